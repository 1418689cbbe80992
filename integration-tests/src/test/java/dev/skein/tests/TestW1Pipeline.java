package dev.skein.tests;

import dev.skein.testing.TestingPipelines;
import static dev.skein.testing.TestingPipelines.duckDbRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.local.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipelines on a real local cluster: ZooKeeper's embedded server, the coordinator, and three
 * worker processes exchanging Arrow batches over Flight.
 */
class TestW1Pipeline {
    private static final long ROWS = 3_000_000;
    private static final String SOURCE_SQL = """
            SELECT i AS id, 'c' || (i %% 8) AS category,
                   ((i * 7919) %% 1000) / 10.0 AS value,
                   TIMESTAMP '2026-01-01' + to_milliseconds(i) AS ts
            FROM range(%d) t(i)""".formatted(ROWS);

    private static LocalCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(3, "384m", 1);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Test
    void w1MatchesDuckDbComputingTheSameQueryDirectly() throws Exception {
        Path file = TestingPipelines.write(dir, "w1.yaml", """
                name: w1-test
                source:
                  type: generate
                  sql: |
                %s
                stages:
                  - name: filter
                    sql: SELECT * FROM input WHERE value >= 25.0
                  - name: enrich
                    sql: SELECT *, value * 1.1 AS value_adj, id %% 100 AS bucket FROM input
                    parallelism: 2
                    partition-by: [category]
                  - name: totals
                    mode: final
                    sql: |
                      SELECT category, count(*) AS n, sum(value_adj) AS s,
                             min(ts) AS ts_min, max(ts) AS ts_max
                      FROM input GROUP BY category ORDER BY category
                sinks:
                  - type: parquet
                    path: out/w1
                """.formatted(SOURCE_SQL.indent(4).stripTrailing()));

        JsonNode view = TestingPipelines.run(cluster, file);

        assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
        List<List<String>> expected = duckDbRows("""
                SELECT category, count(*) AS n, sum(value * 1.1) AS s, min(ts)::VARCHAR, max(ts)::VARCHAR
                FROM (%s) WHERE value >= 25.0 GROUP BY category ORDER BY category""".formatted(SOURCE_SQL));
        assertThat(expected).hasSize(8);
        JsonNode rows = view.path("result").path("rows");
        assertThat(rows).hasSize(8);
        for (int i = 0; i < 8; i++) {
            JsonNode row = rows.get(i);
            assertThat(row.get(0).asText()).isEqualTo(expected.get(i).get(0));
            assertThat(row.get(1).asLong()).isEqualTo(Long.parseLong(expected.get(i).get(1)));
            double sum = Double.parseDouble(expected.get(i).get(2));
            assertThat(row.get(2).asDouble()).isCloseTo(sum, within(Math.abs(sum) * 1e-9));
            assertThat(row.get(3).asText().replace('T', ' ')).startsWith(expected.get(i).get(3).substring(0, 19));
            assertThat(row.get(4).asText().replace('T', ' ')).startsWith(expected.get(i).get(4).substring(0, 19));
        }

        assertThat(stageRowsOut(view)).containsExactly(ROWS, ROWS * 3 / 4, ROWS * 3 / 4, 8L);
        assertChainedThenSpread(view);

        Path out = dir.resolve("out/w1");
        assertThat(out.resolve("part-0.parquet")).exists();
        assertThat(duckDbRows("SELECT category, n, s FROM read_parquet('" + out + "/*.parquet') ORDER BY category"))
                .hasSize(8)
                .extracting(row -> row.get(1))
                .containsExactlyElementsOf(expected.stream().map(row -> row.get(1)).toList());
        assertThat(Files.list(dir).map(path -> path.getFileName().toString()).toList())
                .as("no staging directory left behind")
                .containsExactlyInAnyOrder("w1.yaml", "out");
        TestingPipelines.assertNoArrowMemoryHeld(cluster);
    }

    @Test
    void runtimeSqlErrorFailsThePipelineWithStageAndCauseAndLeavesNoOutput() throws Exception {
        Path file = TestingPipelines.write(dir, "boom.yaml", """
                name: boom
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(500000) t(i)
                stages:
                  - name: pass
                    sql: SELECT id FROM input
                  - name: cast
                    sql: SELECT CAST(CASE WHEN id = 300000 THEN 'oops' ELSE '1' END AS INTEGER) AS x FROM input
                sinks:
                  - type: parquet
                    path: out/boom
                """);

        JsonNode view = TestingPipelines.run(cluster, file);

        assertThat(view.path("state").asText()).isEqualTo("FAILED");
        assertThat(view.path("failure").asText())
                .startsWith("stage 'cast' task 0 failed: Conversion Error: Could not convert string 'oops' to INT32");
        assertThat(dir.resolve("out")).doesNotExist();
        assertThat(Files.list(dir).map(path -> path.getFileName().toString()).toList())
                .containsExactly("boom.yaml");
        TestingPipelines.assertNoArrowMemoryHeld(cluster);

        Path next = TestingPipelines.write(dir, "after.yaml", """
                name: after-boom
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(100000) t(i)
                stages:
                  - name: evens
                    sql: SELECT id FROM input WHERE id % 2 = 0
                sinks:
                  - type: count
                """);
        JsonNode after = TestingPipelines.run(cluster, next);
        assertThat(after.path("state").asText()).as("workers stay healthy after a failed stage").isEqualTo("SUCCEEDED");
        assertThat(stageRowsOut(after)).containsExactly(100_000L, 50_000L);
    }

    @Test
    void invalidSpecOverRestIsRejectedWithEveryProblemAtItsLineAndColumn() throws Exception {
        Path file = TestingPipelines.write(dir, "bad.yaml", """
                name: bad
                source:
                  type: generate
                  sql: SELECT i AS id, i / 10.0 AS value FROM range(10) t(i)
                stages:
                  - name: filter
                    sql: SELECT * FROM input WHERE valu > 1
                    paralelism: 2
                """);

        var response = TestingPipelines.submit(cluster, file);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body().path("code").asText()).isEqualTo("INVALID_SPEC");
        List<String> problems = new ArrayList<>();
        response.body().path("problems").forEach(problem -> problems.add(problem.asText()));
        // every problem in one answer: the key typo does not hide the stage's SQL problem
        assertThat(problems).containsExactly(
                file + ":7:36: error: stage 'filter' reads column 'valu', which the source does not produce; did you"
                        + " mean 'value'?",
                file + ":8:5: error: unknown key 'paralelism' in stage 'filter'; did you mean 'parallelism'?");

        Files.writeString(file, Files.readString(file).replace("    paralelism: 2\n", ""));
        response = TestingPipelines.submit(cluster, file);
        assertThat(response.status()).isEqualTo(400);
        problems.clear();
        response.body().path("problems").forEach(problem -> problems.add(problem.asText()));
        assertThat(problems).containsExactly(file + ":7:36: error: stage 'filter' reads column 'valu', which the"
                + " source does not produce; did you mean 'value'?");
    }

    @Test
    void parquetRoundTripPreservesNullsStringsTimestampsDecimalsAndLists() throws Exception {
        Path input = dir.resolve("in.parquet");
        TestingPipelines.duckDbExecute("""
                COPY (
                  SELECT i AS id,
                         CASE WHEN i %% 7 = 0 THEN NULL ELSE 'name-' || i || ' ünïcode' END AS name,
                         TIMESTAMP '2026-03-01 12:00:00' + INTERVAL (i) SECOND AS at,
                         CAST(i * 1.25 AS DECIMAL(18, 3)) AS amount,
                         CASE WHEN i %% 5 = 0 THEN NULL ELSE [i, i + 1, NULL] END AS tags
                  FROM range(200000) t(i)
                ) TO '%s' (FORMAT parquet)""".formatted(input));
        Path file = TestingPipelines.write(dir, "copy.yaml", """
                name: parquet-copy
                source:
                  type: parquet
                  path: in.parquet
                  batch-rows: 50000
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                    parallelism: 2
                sinks:
                  - type: parquet
                    path: out/copy
                """);

        JsonNode view = TestingPipelines.run(cluster, file);

        assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
        String in = "read_parquet('" + input + "')";
        String out = "read_parquet('" + dir.resolve("out/copy") + "/*.parquet')";
        assertThat(duckDbRows("SELECT count(*) FROM " + out)).containsExactly(List.of("200000"));
        assertThat(duckDbRows("SELECT count(*) FROM (SELECT * FROM " + in + " EXCEPT ALL SELECT * FROM " + out + ")"))
                .containsExactly(List.of("0"));
        assertThat(duckDbRows("SELECT count(*) FROM (SELECT * FROM " + out + " EXCEPT ALL SELECT * FROM " + in + ")"))
                .containsExactly(List.of("0"));
        assertThat(duckDbRows("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + out + ")"))
                .isEqualTo(duckDbRows("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + in + ")"));
        TestingPipelines.assertNoArrowMemoryHeld(cluster);
    }

    private static List<Long> stageRowsOut(JsonNode view) {
        List<Long> rows = new ArrayList<>();
        view.path("stages").forEach(stage -> rows.add(stage.path("rowsOut").asLong()));
        return rows;
    }

    /**
     * W1's filter is joined to the source one-to-one, so it runs in the source's worker (chain
     * placement); every edge after it re-partitions, so each stage runs on other workers than the
     * stage before it.
     */
    private static void assertChainedThenSpread(JsonNode view) {
        List<Set<String>> workers = new ArrayList<>();
        for (JsonNode stage : view.path("stages")) {
            Set<String> ids = new HashSet<>();
            stage.path("workers").forEach(worker -> ids.add(worker.asText()));
            workers.add(ids);
        }
        assertThat(workers.get(1)).as("filter runs where the source runs").isEqualTo(workers.get(0));
        for (int stage = 2; stage < workers.size(); stage++) {
            assertThat(workers.get(stage)).as("workers of stage %d", stage).doesNotContainAnyElementsOf(workers.get(stage - 1));
        }
    }
}
