package dev.skein.spec;

import static dev.skein.spec.TestingSpecs.BASE_DIR;
import static dev.skein.spec.TestingSpecs.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestSpecParser {
    @Test
    void parsesTheW1ExampleFromTheDesign() throws IOException {
        PipelineSpec spec = SpecParser.parse("w1.yaml", w1(), BASE_DIR);

        assertThat(spec)
                .isEqualTo(new PipelineSpec(
                        "w1",
                        new GenerateSourceSpec(
                                """
                                SELECT i AS id, 'c' || (i % 8) AS category,
                                       ((i * 7919) % 1000) / 10.0 AS value,
                                       TIMESTAMP '2026-01-01' + to_milliseconds(i) AS ts
                                FROM range(20000000) t(i)
                                """,
                                new Location(6, 5),
                                65_536,
                                new Location(3, 1)),
                        List.of(
                                new StageSpec(
                                        "filter",
                                        new Location(12, 5),
                                        new SqlTransformSpec(
                                                "SELECT * FROM input WHERE value >= 25.0",
                                                new Location(13, 10),
                                                StageMode.PER_BATCH),
                                        1,
                                        List.of()),
                                new StageSpec(
                                        "enrich",
                                        new Location(14, 5),
                                        new SqlTransformSpec(
                                                "SELECT *, value * 1.1 AS value_adj, id % 100 AS bucket FROM input",
                                                new Location(15, 10),
                                                StageMode.PER_BATCH),
                                        2,
                                        List.of("category")),
                                new StageSpec(
                                        "totals",
                                        new Location(18, 5),
                                        new SqlTransformSpec(
                                                """
                                                SELECT category, count(*) AS n, sum(value_adj) AS s,
                                                       min(ts) AS ts_min, max(ts) AS ts_max
                                                FROM input GROUP BY category ORDER BY category
                                                """,
                                                new Location(21, 7),
                                                StageMode.FINAL),
                                        1,
                                        List.of())),
                        List.of(new ParquetSinkSpec("/pipelines/team/out/w1", new Location(25, 5))),
                        "w1.yaml",
                        Placement.CHAIN,
                        RestartSpec.DEFAULT));
    }

    @Test
    void placementIsChainOrSpread() {
        assertThat(parse("""
                name: p
                placement: spread
                source: {type: generate, sql: SELECT 1 AS x}
                stages: [{name: only, sql: SELECT * FROM input}]
                """).placement()).isEqualTo(Placement.SPREAD);
        assertThatThrownBy(() -> parse("""
                name: p
                placement: spred
                source: {type: generate, sql: SELECT 1 AS x}
                stages: [{name: only, sql: SELECT * FROM input}]
                """))
                .hasMessage("p.yaml:2:12: error: unknown placement 'spred'; did you mean 'spread'?");
    }

    @Test
    void appliesDefaults() {
        PipelineSpec spec = parse(
                """
                name: minimal
                source: {type: generate, sql: SELECT 1 AS x}
                stages:
                  - {name: only, sql: SELECT * FROM input}
                """);

        assertThat(spec.source().batchRows()).isEqualTo(SourceSpec.DEFAULT_BATCH_ROWS);
        assertThat(spec.stages())
                .containsExactly(new StageSpec(
                        "only",
                        new Location(4, 5),
                        new SqlTransformSpec("SELECT * FROM input", new Location(4, 23), StageMode.PER_BATCH),
                        1,
                        List.of()));
        assertThat(spec.sinks()).isEmpty();
        assertThat(spec.stage("only")).contains(spec.stages().get(0));
        assertThat(spec.stage("other")).isEmpty();
    }

    @Test
    void resolvesPathsAgainstTheBaseDirectory() {
        PipelineSpec spec = parse(
                """
                name: files
                source:
                  type: parquet
                  path: ../data/./2026/*.parquet
                  batch-rows: 8_192
                stages:
                  - name: copy
                    sql: 'SELECT * FROM input'
                sinks:
                  - type: csv
                    path: out/../csv
                  - type: parquet
                    path: /tmp/absolute
                  - type: parquet
                    path: s3://bucket/prefix
                  - type: count
                """);

        assertThat(spec.source())
                .isEqualTo(new ParquetSourceSpec("/pipelines/data/2026/*.parquet", new Location(4, 9), 8192, new Location(2, 1)));
        assertThat(spec.stages().get(0).transform())
                .isEqualTo(new SqlTransformSpec("SELECT * FROM input", new Location(8, 11), StageMode.PER_BATCH));
        assertThat(spec.sinks())
                .containsExactly(
                        new CsvSinkSpec("/pipelines/team/csv", new Location(10, 5)),
                        new ParquetSinkSpec("/tmp/absolute", new Location(12, 5)),
                        new ParquetSinkSpec("s3://bucket/prefix", new Location(14, 5)),
                        new CountSinkSpec(new Location(16, 5)));
    }

    @Test
    void readsCsvSources() {
        PipelineSpec spec = parse(
                """
                name: csv
                source: {type: csv, path: "in.csv"}
                stages: [{name: copy, sql: SELECT * FROM input}]
                sinks: []
                """);

        assertThat(spec.source())
                .isEqualTo(new CsvSourceSpec(
                        "/pipelines/team/in.csv", new Location(2, 27), SourceSpec.DEFAULT_BATCH_ROWS, new Location(2, 1)));
    }

    @Test
    void readsAFileResolvingPathsAgainstItsDirectory(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("w1.yaml");
        Files.writeString(file, w1());

        PipelineSpec spec = SpecParser.parse(file);

        assertThat(spec.file()).isEqualTo(file.toString());
        assertThat(spec.sinks()).containsExactly(new ParquetSinkSpec(directory.resolve("out/w1").toString(), new Location(25, 5)));
    }

    @Test
    void namesAFileAsGivenInProblems(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("bad.yaml");
        Files.writeString(file, "name: Bad\n");

        InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> SpecParser.parse(file));

        assertThat(e.problems())
                .containsExactly(
                        new Problem(file.toString(), new Location(1, 1), "pipeline is missing required key 'source'"),
                        new Problem(file.toString(), new Location(1, 1), "pipeline is missing required key 'stages'"),
                        new Problem(file.toString(), new Location(1, 7), "pipeline name 'Bad' must match [a-z][a-z0-9_-]*"));
        assertThat(e.getMessage())
                .isEqualTo(file + ":1:1: error: pipeline is missing required key 'source'\n"
                        + file + ":1:1: error: pipeline is missing required key 'stages'\n"
                        + file + ":1:7: error: pipeline name 'Bad' must match [a-z][a-z0-9_-]*");
    }

    @Test
    void reportsAFileThatCannotBeRead(@TempDir Path directory) throws IOException {
        Path missing = directory.resolve("missing.yaml");
        Path binary = directory.resolve("binary.yaml");
        Files.write(binary, new byte[] {'a', ':', ' ', (byte) 0xff, (byte) 0xfe});

        assertThat(catchThrowableOfType(InvalidSpecException.class, () -> SpecParser.parse(missing)).getMessage())
                .isEqualTo(missing + ":1:1: error: no such file");
        assertThat(catchThrowableOfType(InvalidSpecException.class, () -> SpecParser.parse(binary)).getMessage())
                .isEqualTo(binary + ":1:1: error: file is not valid UTF-8");
        assertThat(catchThrowableOfType(InvalidSpecException.class, () -> SpecParser.parse(directory)).getMessage())
                .isEqualTo(directory + ":1:1: error: cannot read file: is a directory");
    }

    /** The W1 example, copied from DESIGN.md. */
    static String w1() throws IOException {
        try (InputStream in = TestSpecParser.class.getResourceAsStream("/w1.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
