package dev.skein.coordinator.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SpecParser;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestSqlBinder {
    private static final String W1 =
            """
            name: w1
            source:
              type: generate
              sql: |
                SELECT i AS id, 'c' || (i % 8) AS category,
                       ((i * 7919) % 1000) / 10.0 AS value,
                       TIMESTAMP '2026-01-01' + to_milliseconds(i) AS ts
                FROM range(20000000) t(i)
              batch-rows: 65536
            stages:
              - name: filter
                sql: SELECT * FROM input WHERE value >= 25.0
              - name: enrich
                sql: SELECT *, value * 1.1 AS value_adj, id % 100 AS bucket FROM input
                parallelism: 2
                partition-by: [category]
              - name: totals
                mode: final
                sql: |
                  SELECT category, count(*) AS n, sum(value_adj) AS s,
                         min(ts) AS ts_min, max(ts) AS ts_max
                  FROM input GROUP BY category ORDER BY category
            sinks:
              - type: count
            """;

    /** A generate source on lines 2-4 producing id BIGINT, category VARCHAR, value DOUBLE; stages follow on line 6. */
    private static final String SOURCE =
            """
            name: p
            source:
              type: generate
              sql: SELECT range AS id, 'c' || (range % 8) AS category, range / 10.0 AS value FROM range(10)
            stages:
            """;

    @TempDir
    Path directory;

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
    void bindsW1WithDuckDbTypesOnEveryEdge() {
        BoundPipeline bound = binder.bind(parse(W1));

        List<BoundColumn> source = List.of(
                new BoundColumn("id", "BIGINT"),
                new BoundColumn("category", "VARCHAR"),
                new BoundColumn("value", "DOUBLE"),
                new BoundColumn("ts", "TIMESTAMP"));
        List<BoundColumn> enriched = List.of(
                new BoundColumn("id", "BIGINT"),
                new BoundColumn("category", "VARCHAR"),
                new BoundColumn("value", "DOUBLE"),
                new BoundColumn("ts", "TIMESTAMP"),
                new BoundColumn("value_adj", "DOUBLE"),
                new BoundColumn("bucket", "BIGINT"));
        assertThat(bound.sourceColumns()).isEqualTo(source);
        assertThat(bound.outputOf("filter")).isEqualTo(source);
        assertThat(bound.outputOf("enrich")).isEqualTo(enriched);
        assertThat(bound.inputOf("totals")).isEqualTo(enriched);
        assertThat(bound.outputOf("totals"))
                .containsExactly(
                        new BoundColumn("category", "VARCHAR"),
                        new BoundColumn("n", "BIGINT"),
                        new BoundColumn("s", "DOUBLE"),
                        new BoundColumn("ts_min", "TIMESTAMP"),
                        new BoundColumn("ts_max", "TIMESTAMP"));
        assertThat(bound.stages()).extracting(BoundStage::name).containsExactly("filter", "enrich", "totals");
    }

    @Test
    void keepsDuckDbTypeNamesOfDecimalsListsAndStructs() {
        BoundPipeline bound = binder.bind(
                parse(
                        withSource(
                                """
                  - name: shape
                    sql: >-
                      SELECT value::DECIMAL(18,3) AS amount, [id, id]::INTEGER[] AS pair,
                      {'k': category} AS tagged, NULL AS nothing FROM input
                """)));

        assertThat(bound.outputOf("shape"))
                .containsExactly(
                        new BoundColumn("amount", "DECIMAL(18,3)"),
                        new BoundColumn("pair", "INTEGER[]"),
                        new BoundColumn("tagged", "STRUCT(k VARCHAR)"),
                        new BoundColumn("nothing", "\"NULL\""));
    }

    @Test
    void pointsAtAMisspelledColumnInABlockScalar() {
        assertProblems(
                withSource(
                        """
                  - name: filter
                    sql: |
                      SELECT *
                      FROM input
                      WHERE valu >= 25.0
                """),
                "p.yaml:10:13: error: stage 'filter' reads column 'valu', which the source does not produce;"
                        + " did you mean 'value'?");
    }

    @Test
    void namesTheUpstreamStageAndItsColumnsWhenNothingIsClose() {
        assertProblems(
                withSource(
                        """
                  - name: filter
                    sql: SELECT id, category FROM input
                  - name: enrich
                    sql: SELECT id, input.value FROM input
                """),
                "p.yaml:9:21: error: stage 'enrich' reads column 'value', which upstream stage 'filter' does not"
                        + " produce; it produces: id, category");
    }

    @Test
    void pointsIntoTheShownPartOfALongLine() {
        String padding = "category <> 'a long literal to push the error far to the right of the line' AND ";
        assertProblems(
                withSource(
                        """
                  - name: filter
                    sql: SELECT * FROM input WHERE %s%svalu > 1 AND category <> 'and more text after it, also long'
                """
                                .formatted(padding, padding)),
                "p.yaml:7:%d: error: stage 'filter' reads column 'valu', which the source does not produce;"
                                .formatted(36 + 2 * padding.length())
                        + " did you mean 'value'?");
    }

    @Test
    void reportsSyntaxErrorsAtTheOffendingToken() {
        assertProblems(
                withSource(
                        """
                  - name: filter
                    sql: SELECT * FROM input WHER value > 1
                """),
                "p.yaml:7:35: error: stage 'filter': Parser Error: syntax error at or near \"value\"");
    }

    @Test
    void quotesOtherDuckDbErrorsWithTheirPosition() {
        assertProblems(
                withSource(
                        """
                  - name: filter
                    sql: |
                      SELECT id,
                             nosuchfn(value) AS v FROM input
                """),
                "p.yaml:9:14: error: stage 'filter': Catalog Error: Scalar Function with name nosuchfn does not"
                        + " exist!");
    }

    @Test
    void reportsAPartitionColumnTheUpstreamStageDoesNotProduce() {
        assertProblems(
                withSource(
                        """
                  - name: filter
                    sql: SELECT * FROM input WHERE value >= 2.5
                  - name: enrich
                    sql: SELECT * FROM input
                    partition-by: [categry]
                """),
                "p.yaml:8:5: error: stage 'enrich' partitions by column 'categry', which upstream stage 'filter'"
                        + " does not produce; did you mean 'category'?");
    }

    @Test
    void rejectsStatementsThatAreNotQueries() {
        assertProblems(
                withSource(
                        """
                  - name: load
                    sql: INSERT INTO input VALUES (1, 'c1', 2.0)
                  - name: copy
                    sql: WITH t AS (SELECT 1) INSERT INTO input SELECT * FROM t
                """),
                "p.yaml:7:10: error: stage 'load': sql must be a read-only query (SELECT, FROM, VALUES or WITH ..."
                        + " SELECT), not an INSERT statement");
    }

    @Test
    void rejectsSeveralStatementsWithoutRunningAny() {
        Path leak = directory.resolve("leak.csv");
        assertProblems(
                withSource(
                        """
                  - name: filter
                    sql: SELECT * FROM input; COPY (SELECT 42) TO '%s'
                """
                                .formatted(leak)),
                "p.yaml:7:10: error: stage 'filter': sql must be a single query, but it holds 2 statements");
        assertThat(leak).doesNotExist();
    }

    @Test
    void skipsStagesAfterOneThatFailsAndReportsEveryOtherProblemInFileOrder() {
        assertProblems(
                withSource(
                        """
                  - name: filter
                    partition-by: [kategory, id]
                    sql: |
                      SELECT id, category AS cat, value
                      FROM input WHERE id > ?
                  - name: broken
                    sql: SELECT * FROM nowhere
                """),
                "p.yaml:6:5: error: stage 'filter' partitions by column 'kategory', which the source does not"
                        + " produce; did you mean 'category'?",
                "p.yaml:9:7: error: stage 'filter': sql must not have parameters ('?' or '$1'): nothing fills them");
    }

    @Test
    void showsASourceNoInputLeftOverFromAnEarlierPipeline() {
        binder.bind(parse(W1));

        assertProblems(
                """
                name: p
                source:
                  type: generate
                  sql: SELECT * FROM input
                stages:
                  - name: filter
                    sql: SELECT * FROM input
                """,
                "p.yaml:4:22: error: source: Catalog Error: Table with name input does not exist!");
    }

    @Test
    void rejectsOutputColumnsWhoseNamesCollide() {
        assertProblems(
                withSource(
                        """
                  - name: upper
                    sql: SELECT *, upper(category) AS Category FROM input
                """),
                "p.yaml:7:10: error: stage 'upper': output column 'Category' appears more than once; names must be"
                        + " unique, ignoring case");
    }

    @Test
    void rejectsSqlWithOnlyAComment() {
        assertProblems(
                withSource(
                        """
                  - name: filter
                    sql: "-- nothing to see"
                """),
                "p.yaml:7:11: error: stage 'filter': sql is empty");
    }

    @Test
    void refusesToBindOnceClosedAndClosesTwice() {
        binder.close();
        binder.close();

        assertThatThrownBy(() -> binder.bind(parse(W1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the SQL binder is closed");
    }

    private static String withSource(String stages) {
        return SOURCE + stages;
    }

    private void assertProblems(String yaml, String... expected) {
        TestingProblems.assertBindingFails(binder, parse(yaml), expected);
    }

    private PipelineSpec parse(String yaml) {
        return SpecParser.parse("p.yaml", yaml, directory);
    }
}
