package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.local.LocalCluster;
import dev.skein.testing.TestingPipelines;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A final GROUP BY fed by two tasks on other workers is pre-aggregated upstream (its stage receives
 * a few partial rows, not every row); fed by one co-located task it is not. Both give exactly what
 * DuckDB gives directly, with DECIMAL sums, nulls, dates, HAVING and a global aggregate over no rows.
 */
class TestPreAggregation {
    private static final long ROWS = 200_000;
    private static final String SOURCE_SQL = "SELECT i AS id, 'k' || (i % 6) AS k,"
            + " CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 997)::DECIMAL(12,2) / 8 END AS amount,"
            + " DATE '2026-01-01' + (i % 50)::INTEGER AS day FROM range(" + ROWS + ") t(i)";
    private static final String GROUPED = "SELECT k, count(*) AS n, count(amount) AS c, sum(amount) AS s,"
            + " min(day) AS first_day, max(day) AS last_day, avg(id) AS mean FROM input WHERE id % 5 <> 0"
            + " GROUP BY k HAVING count(*) > 10 ORDER BY k";
    private static final String EMPTY_GLOBAL = "SELECT count(*) AS n, sum(amount) AS s, min(day) AS d"
            + " FROM input WHERE id < 0";

    private static LocalCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(3, "256m", 1);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("grouped-split", 2, "spread", true, GROUPED),
                Arguments.of("grouped-whole", 1, "chain", false, GROUPED),
                Arguments.of("empty-global-split", 2, "chain", true, EMPTY_GLOBAL));
    }

    @ParameterizedTest(name = "{0}: {1} upstream task(s), placement {2}")
    @MethodSource("shapes")
    void preAggregatedOrNotTheRowsAreDuckDbs(String name, int upstreamTasks, String placement, boolean split,
            String sql) throws Exception {
        Path file = TestingPipelines.write(dir, name + ".yaml", """
                name: %s
                placement: %s
                source:
                  type: generate
                  sql: "%s"
                  batch-rows: 8192
                stages:
                  - {name: spread, sql: SELECT * FROM input, parallelism: %d}
                  - name: totals
                    mode: final
                    sql: "%s"
                sinks:
                  - {type: parquet, path: out}
                """.formatted(name, placement, SOURCE_SQL, upstreamTasks, sql));

        JsonNode view = TestingPipelines.run(cluster, file);

        assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
        TestingPipelines.assertParquetEquals(dir.resolve("out"),
                sql.replace("FROM input", "FROM (" + SOURCE_SQL + ")"));
        long totalsRowsIn = view.path("stages").get(2).path("rowsIn").asLong();
        if (split) {
            // per upstream task at most one partial row per group from the rows its stage made, and one
            // from the rows it fused into its pre-aggregation (FusedPreAggregation)
            assertThat(totalsRowsIn).isBetween(1L, 2 * 6L * upstreamTasks);
        } else {
            assertThat(totalsRowsIn).isEqualTo(ROWS);
        }
        TestingPipelines.assertNoArrowMemoryHeld(cluster);
    }
}
