package dev.skein.coordinator.binding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SpecParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Java stages: their classes checked, their output schemas asked, and SQL bound after them. */
class TestJavaStageBinding {
    private static final String PACKAGE = "dev.skein.coordinator.binding.TestingTransforms$";

    /** A generate source on lines 2-6; stages follow on line 8. */
    private static final String SOURCE =
            """
            name: p
            source:
              type: generate
              sql: |
                SELECT range AS id, 'c' || (range % 8) AS category, (range / 10.0)::DECIMAL(18,3) AS amount,
                       TIMESTAMP '2026-01-01' AS ts, [range, range + 1] AS pair FROM range(10)
            stages:
            """;

    private SqlBinder binder;

    @BeforeEach
    void openBinder() {
        binder = SqlBinder.open();
    }

    @AfterEach
    void closeBinder() {
        binder.close();
    }

    @Test
    void sqlBindsAgainstTheDuckDbTypesOfAJavaStagesOutput() {
        BoundPipeline bound = binder.bind(parse(SOURCE
                + """
                  - name: mark
                    java: {class: %1$sMarkProcessed, config: {column: checked, requires: amount}}
                  - name: count
                    sql: SELECT category, count(*) FILTER (WHERE checked) AS n, sum(amount) AS total FROM input GROUP BY ALL
                """
                        .formatted(PACKAGE)));

        List<BoundColumn> source = List.of(
                new BoundColumn("id", "BIGINT"),
                new BoundColumn("category", "VARCHAR"),
                new BoundColumn("amount", "DECIMAL(18,3)"),
                new BoundColumn("ts", "TIMESTAMP"),
                new BoundColumn("pair", "BIGINT[]"));
        assertThat(bound.sourceColumns()).isEqualTo(source);
        assertThat(bound.outputOf("mark"))
                .containsExactlyElementsOf(concat(source, new BoundColumn("checked", "BOOLEAN")));
        assertThat(bound.outputOf("count"))
                .containsExactly(
                        new BoundColumn("category", "VARCHAR"),
                        new BoundColumn("n", "BIGINT"),
                        new BoundColumn("total", "DECIMAL(38,3)"));
    }

    @Test
    void aJavaStageAfterAJavaStageSeesItsExactArrowSchema() {
        BoundPipeline bound = binder.bind(parse(SOURCE
                + """
                  - name: clock
                    java: %1$sMillisClock
                  - name: check
                    java: %1$sRequiresMillis
                  - name: after
                    sql: SELECT stamp FROM input
                """
                        .formatted(PACKAGE)));

        assertThat(bound.outputOf("check")).last().isEqualTo(new BoundColumn("stamp", "TIMESTAMP WITH TIME ZONE"));
        assertThat(bound.outputOf("after")).containsExactly(new BoundColumn("stamp", "TIMESTAMP WITH TIME ZONE"));
    }

    @Test
    void reportsEveryClassProblemAtItsClassValue() {
        assertProblems(
                SOURCE
                        + """
                  - name: missing
                    java: com.example.Nope
                """,
                "p.yaml:9:11: error: stage 'missing': class 'com.example.Nope' not found");
        assertProblems(
                SOURCE
                        + """
                  - name: wrong
                    java:
                      class: %sNotATransform
                """
                                .formatted(PACKAGE),
                "p.yaml:10:14: error: stage 'wrong': class '" + PACKAGE
                        + "NotATransform' does not implement dev.skein.spi.BatchTransform");
        assertProblems(
                SOURCE
                        + """
                  - name: argument
                    java: %sNeedsArgument
                """
                                .formatted(PACKAGE),
                "p.yaml:9:11: error: stage 'argument': class '" + PACKAGE
                        + "NeedsArgument' has no public no-argument constructor");
        assertProblems(
                SOURCE
                        + """
                  - name: constructor
                    java: %sFailsToConstruct
                """
                                .formatted(PACKAGE),
                "p.yaml:9:11: error: stage 'constructor': " + PACKAGE
                        + "FailsToConstruct.<init> threw IllegalStateException: no licence key");
    }

    @Test
    void reportsWhatOutputSchemaRejectsAndWhatItDeclaresWrongly() {
        assertProblems(
                SOURCE
                        + """
                  - name: mark
                    java:
                      class: %1$sMarkProcessed
                      config: {requires: amount_eur}
                  - name: empty
                    java: %1$sNoColumns
                """
                                .formatted(PACKAGE),
                "p.yaml:10:14: error: stage 'mark': " + PACKAGE + "MarkProcessed.outputSchema threw"
                        + " IllegalArgumentException: config 'requires': no column 'amount_eur' in the input");
        assertProblems(
                SOURCE
                        + """
                  - name: empty
                    java: %1$sNoColumns
                """
                                .formatted(PACKAGE),
                "p.yaml:9:11: error: stage 'empty': " + PACKAGE + "NoColumns.outputSchema returned a schema without"
                        + " columns");
        assertProblems(
                SOURCE
                        + """
                  - name: mark
                    java: {class: %sMarkProcessed, config: {column: Category}}
                """
                                .formatted(PACKAGE),
                "p.yaml:9:19: error: stage 'mark': output column 'Category' appears more than once; names must be"
                        + " unique, ignoring case");
    }

    @Test
    void sqlAfterAJavaStageIsCheckedAgainstItsColumns() {
        assertProblems(
                SOURCE
                        + """
                  - name: mark
                    java: %sMarkProcessed
                  - name: filter
                    sql: SELECT * FROM input WHERE procesed
                """
                                .formatted(PACKAGE),
                "p.yaml:11:36: error: stage 'filter' reads column 'procesed', which upstream stage 'mark' does not"
                        + " produce; did you mean 'processed'?");
    }

    private static List<BoundColumn> concat(List<BoundColumn> columns, BoundColumn last) {
        return java.util.stream.Stream.concat(columns.stream(), java.util.stream.Stream.of(last)).toList();
    }

    private void assertProblems(String yaml, String... expected) {
        TestingProblems.assertBindingFails(binder, parse(yaml), expected);
    }

    private static PipelineSpec parse(String yaml) {
        return SpecParser.parse("p.yaml", yaml, Path.of("/pipelines"));
    }
}
