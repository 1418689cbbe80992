package dev.skein.tests;

import dev.skein.testing.TestingPipelines;
import static dev.skein.testing.TestingPipelines.duckDbRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import dev.skein.cli.local.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts with real worker processes: a worker killed with -9 mid-pipeline costs one attempt, the
 * pipeline is placed again on the live workers and its output is exact; a user error is not retried.
 */
class TestRestarts {
    private static final long ROWS = 12_000_000;
    /** What the pipeline computes, written for DuckDB directly. */
    private static final String EXPECTED = TestingPipelines.middleAndKeepExpected(ROWS);

    @TempDir
    Path dir;

    @Test
    void aKilledMiddleStageWorkerIsReplacedByTheSpareAndTheOutputIsExact() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(4, "384m", 1)) {
            Path file = TestingPipelines.write(dir, "phoenix.yaml",
                    TestingPipelines.middleAndKeep("phoenix", ROWS, "{attempts: 3, backoff: 1s}"));
            assertThat(TestingPipelines.submit(cluster, file).status()).isEqualTo(201);
            CoordinatorClient rest = new CoordinatorClient(cluster.coordinatorUrl());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                    rest.get("phoenix").body().path("stages").get(1).path("rowsOut").asLong() > 0);
            JsonNode before = rest.get("phoenix").body();
            String victimId = before.path("stages").get(1).path("workers").get(0).asText();
            WorkerProcess victim = cluster.workers().stream()
                    .filter(worker -> worker.id().equals(victimId))
                    .findFirst()
                    .orElseThrow();

            long killedAt = System.currentTimeMillis();
            victim.kill();
            JsonNode view = TestingPipelines.awaitEnd(cluster, "phoenix");

            assertThat(view.path("state").asText()).as("view %s", view).isEqualTo("SUCCEEDED");
            JsonNode attempts = view.path("attempts");
            assertThat(attempts.size()).as("attempts %s", attempts).isEqualTo(2);
            assertThat(attempts.get(0).path("epoch").asLong()).isEqualTo(before.path("epoch").asLong());
            assertThat(attempts.get(0).path("worker").asText()).isEqualTo(victimId);
            assertThat(attempts.get(0).path("cause").asText()).startsWith("worker '" + victimId + "' (");
            assertThat(attempts.get(1).path("epoch").asLong()).isGreaterThan(attempts.get(0).path("epoch").asLong());
            assertThat(view.path("epoch").asLong()).isEqualTo(attempts.get(1).path("epoch").asLong());
            for (JsonNode stage : view.path("stages")) {
                assertThat(stage.path("workers").toString()).as("the restarted run avoids the lost worker")
                        .doesNotContain("\"" + victimId + "\"");
            }
            long runningAgainAt = attempts.get(1).path("runningAtMillis").asLong();
            System.out.printf("recovery: kill -> every task of epoch %d running in %d ms (failure seen -> running: %d ms)%n",
                    attempts.get(1).path("epoch").asLong(), runningAgainAt - killedAt,
                    attempts.get(1).path("recoveryMillis").asLong());
            assertThat(runningAgainAt).isGreaterThan(killedAt);

            String out = dir.resolve("out/phoenix") + "/*.parquet";
            assertThat(duckDbRows("SELECT count(*) FROM read_parquet('" + out + "')"))
                    .isEqualTo(duckDbRows("SELECT count(*) FROM (" + EXPECTED + ")"));
            assertThat(duckDbRows("SELECT count(*) FROM (SELECT id, v FROM read_parquet('" + out + "') EXCEPT ALL "
                            + EXPECTED + ")"))
                    .as("rows written that DuckDB does not compute, or written twice")
                    .isEqualTo(List.of(List.of("0")));
            assertThat(duckDbRows("SELECT count(*) FROM (" + EXPECTED + " EXCEPT ALL SELECT id, v FROM read_parquet('"
                            + out + "'))"))
                    .as("rows lost")
                    .isEqualTo(List.of(List.of("0")));

            // A user error on the same (now smaller) cluster fails at once: one attempt, the stage's message.
            Path bad = TestingPipelines.write(dir, "bad-cast.yaml", """
                    name: bad-cast
                    source:
                      type: generate
                      sql: SELECT i AS id FROM range(100000) t(i)
                    stages:
                      - name: cast
                        sql: SELECT CAST(CASE WHEN id = 5000 THEN 'x' ELSE id::VARCHAR END AS INTEGER) AS n FROM input
                    """);
            JsonNode failed = TestingPipelines.run(cluster, bad);
            assertThat(failed.path("state").asText()).isEqualTo("FAILED");
            assertThat(failed.path("attempts").size()).as("attempts %s", failed.path("attempts")).isEqualTo(1);
            assertThat(failed.path("failure").asText())
                    .startsWith("stage 'cast'")
                    .contains("Could not convert string 'x' to INT32");
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.liveWorkerAddresses().size() == 3);
            TestingPipelines.assertNoArrowMemoryHeld(cluster);
        }
    }
}
