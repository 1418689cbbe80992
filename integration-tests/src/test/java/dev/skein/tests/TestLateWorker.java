package dev.skein.tests;

import dev.skein.testing.TestingPipelines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.local.LocalCluster;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cluster that starts without workers refuses work, then runs it once a worker registers. */
class TestLateWorker {
    @TempDir
    Path dir;

    @Test
    void pipelineRunsOnAWorkerThatRegisteredAfterTheCoordinator() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(0, "256m", 1)) {
            Path file = TestingPipelines.write(dir, "late.yaml", """
                    name: late
                    source:
                      type: generate
                      sql: SELECT i AS id FROM range(1000) t(i)
                    stages:
                      - name: total
                        mode: final
                        sql: SELECT sum(id) AS s, count(*) AS n FROM input
                    """);

            var refused = TestingPipelines.submit(cluster, file);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body().path("message").asText())
                    .isEqualTo("no live workers to run pipeline 'late'; start one with 'skein worker'");

            cluster.addWorker("late-worker", "256m", 1);
            cluster.awaitWorkers(1);
            JsonNode view = TestingPipelines.run(cluster, file);

            assertThat(view.path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(view.path("result").path("rows").get(0).get(0).asText()).isEqualTo("499500");
            assertThat(view.path("result").path("rows").get(0).get(1).asText()).isEqualTo("1000");
            assertThat(view.path("stages").get(1).path("workers").get(0).asText()).isEqualTo("late-worker");
            TestingPipelines.assertNoArrowMemoryHeld(cluster);
        }
    }
}
