package dev.skein.tests;

import dev.skein.testing.TestingPipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import dev.skein.cli.local.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection: a worker process is killed mid-pipeline and no restart is left (restarts that
 * succeed are in {@link TestRestarts}).
 */
class TestWorkerLoss {
    @TempDir
    Path dir;

    @Test
    void aKilledWorkerWithNoRestartLeftFailsItsPipelineByNameAndTheRestOfTheClusterCarriesOn() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, "384m", 1)) {
            Path file = TestingPipelines.write(dir, "doomed.yaml", """
                    name: doomed
                    restart: {attempts: 0}
                    source:
                      type: generate
                      sql: SELECT i AS id FROM range(2000000000) t(i)
                    stages:
                      - name: pass
                        sql: SELECT id FROM input
                    sinks:
                      - type: parquet
                        path: out/doomed
                    """);
            assertThat(TestingPipelines.submit(cluster, file).status()).isEqualTo(201);
            CoordinatorClient rest = new CoordinatorClient(cluster.coordinatorUrl());
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    rest.get("doomed").body().path("stages").get(1).path("rowsOut").asLong() > 0);
            String victimId = rest.get("doomed").body().path("stages").get(1).path("workers").get(0).asText();
            String victimAddress = cluster.liveWorkerAddresses(java.util.Set.of(victimId)).get(0);
            WorkerProcess victim = cluster.workers().stream()
                    .filter(worker -> worker.id().equals(victimId))
                    .findFirst()
                    .orElseThrow();

            victim.kill();
            JsonNode view = TestingPipelines.awaitEnd(cluster, "doomed");

            assertThat(view.path("state").asText()).isEqualTo("FAILED");
            assertThat(view.path("failure").asText()).as("the failure names the lost worker's address")
                    .startsWith("worker '" + victimId + "' (" + victimAddress + ")")
                    .endsWith("; no restart left (restart.attempts: 0)");
            assertThat(view.path("attempts").size()).isEqualTo(1);
            assertThat(view.path("attempts").get(0).path("worker").asText()).isEqualTo(victimId);
            assertThat(dir.resolve("out")).as("no partial output").doesNotExist();
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.liveWorkerAddresses().size() == 2);

            Path next = TestingPipelines.write(dir, "survivor.yaml", """
                    name: survivor
                    source:
                      type: generate
                      sql: SELECT i AS id FROM range(300000) t(i)
                    stages:
                      - name: odd
                        sql: SELECT id FROM input WHERE id % 2 = 1
                      - name: total
                        mode: final
                        sql: SELECT count(*) AS n, sum(id) AS s FROM input
                    """);
            JsonNode after = TestingPipelines.run(cluster, next);
            assertThat(after.path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(after.path("result").path("rows").get(0).get(0).asText()).isEqualTo("150000");
            assertThat(after.path("result").path("rows").get(0).get(1).asText()).isEqualTo("22500000000");
            TestingPipelines.assertNoArrowMemoryHeld(cluster);
        }
    }
}
