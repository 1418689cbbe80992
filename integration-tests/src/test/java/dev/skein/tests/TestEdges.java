package dev.skein.tests;

import dev.skein.testing.TestingPipelines;
import static dev.skein.testing.TestingPipelines.duckDbRows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.local.LocalCluster;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every edge kind the planner writes (forward, gather, round-robin, hash) between real worker
 * processes, for parallelism kept, raised and lowered. The last stage groups by the hash key with
 * its own parallelism, so a row sent to the wrong task shows up as a duplicated group.
 */
class TestEdges {
    private static final long ROWS = 300_000;
    private static final String SOURCE_SQL = "SELECT i AS id, i % 7 AS grp FROM range(" + ROWS + ") t(i)";

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

    @ParameterizedTest(name = "{0}: a={1} b={2} c={3}, {7}")
    @CsvSource({
        // name,            a,  a by, b,  b by, c,  c by, placement
        "hash-then-forward, 2, grp,  2,  '',   1,  '',   chain",
        "hash-then-spread,  2, grp,  2,  '',   1,  '',   spread",
        "one-to-three,      1, '',   3,  '',   1,  '',   chain",
        "three-to-one,      3, '',   1,  '',   1,  '',   chain",
        "forward-two-two,   2, '',   2,  '',   2,  grp,  chain",
        "forward-spread,    2, '',   2,  '',   2,  grp,  spread",
        "hash-two-three,    2, '',   3,  grp,  3,  grp,  chain",
    })
    void everyRowArrivesOnceWhateverTheEdges(
            String name, int a, String aBy, int b, String bBy, int c, String cBy, String placement)
            throws Exception {
        Path file = TestingPipelines.write(dir, name + ".yaml", """
                name: %s
                placement: %s
                source:
                  type: generate
                  sql: %s
                  batch-rows: 10000
                stages:
                  - {name: a, sql: SELECT * FROM input, parallelism: %d%s}
                  - {name: b, sql: SELECT * FROM input WHERE id %% 2 = 0, parallelism: %d%s}
                  - name: c
                    mode: final
                    sql: SELECT grp, count(*) AS n, sum(id) AS s FROM input GROUP BY grp
                    parallelism: %d%s
                sinks:
                  - {type: parquet, path: out}
                """.formatted(name, placement, SOURCE_SQL, a, by(aBy), b, by(bBy), c,
                cBy.isBlank() ? "" : "\n    partition-by: [" + cBy.strip() + "]"));

        JsonNode view = TestingPipelines.run(cluster, file);

        assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
        List<List<String>> expected = duckDbRows("SELECT grp, count(*), sum(id) FROM (" + SOURCE_SQL
                + ") WHERE id % 2 = 0 GROUP BY grp ORDER BY grp");
        assertThat(expected).hasSize(7);
        assertThat(duckDbRows("SELECT grp, n, s FROM read_parquet('" + dir.resolve("out") + "/*.parquet') ORDER BY grp"))
                .containsExactlyElementsOf(expected);
        TestingPipelines.assertNoArrowMemoryHeld(cluster);
    }

    private static String by(String key) {
        return key.isBlank() ? "" : ", partition-by: [" + key.strip() + "]";
    }
}
