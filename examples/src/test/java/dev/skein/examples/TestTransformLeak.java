package dev.skein.examples;

import dev.skein.testing.TestingPipelines;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transform that leaks Arrow memory fails its task, named by stage and class, and the worker logs
 * it. The leaked memory stays held by that worker, so the test has a cluster of its own.
 */
class TestTransformLeak {
    @TempDir
    Path dir;

    @Test
    void aLeakIsReportedWithTheStageWhenItsTaskClosesOrWhenThePipelineIsChecked() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(1, "256m", 1)) {
            JsonNode view = TestingPipelines.run(cluster, write("leak.yaml", "leak", "Leaks"));

            String leak = "dev.skein.examples.TestingFaultyTransforms$Leaks leaked 4096 bytes of Arrow memory: its"
                    + " allocator still held them after close()";
            assertThat(view.path("state").asText()).isEqualTo("FAILED");
            assertThat(view.path("failure").asText()).isEqualTo("stage 'leaky' task 0 failed: " + leak);
            assertThat(Files.readString(cluster.workers().get(0).log())).contains("stage 'leaky' task 0: " + leak);

            Path early = write("early.yaml", "early", "LeaksWhenOpened");
            CoordinatorClient.ApiResponse refused = new CoordinatorClient(cluster.coordinatorUrl())
                    .submit(early, "early", Files.readString(early));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body().path("problems").get(0).asText()).isEqualTo(early + ":7:11: error: stage"
                    + " 'leaky': dev.skein.examples.TestingFaultyTransforms$LeaksWhenOpened leaked 512 bytes of Arrow"
                    + " memory: its allocator still held them after close()");
        }
    }

    private Path write(String fileName, String pipeline, String transform) throws Exception {
        Path file = dir.resolve(fileName);
        Files.writeString(file, """
                name: %s
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(100000) t(i)
                stages:
                  - name: leaky
                    java: dev.skein.examples.TestingFaultyTransforms$%s
                sinks:
                  - type: count
                """.formatted(pipeline, transform));
        return file;
    }
}
