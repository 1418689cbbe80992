package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.local.LocalCluster;
import dev.skein.testing.TestingPipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stage's sink commit is all or nothing across its tasks, on real worker processes. */
class TestSinkCommit {
    private static final String PIPELINE = """
            name: twice
            restart: {attempts: 0, backoff: 1s}
            source:
              type: generate
              sql: SELECT i AS id FROM range(%d) t(i)
            stages:
              - name: split
                sql: SELECT id FROM input
                parallelism: 2
            sinks:
              - type: parquet
                path: out/twice
            """;

    @TempDir
    Path dir;

    @Test
    void aSecondTaskThatCannotCommitLeavesThePreviousOutputWhole() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(2, "256m", 1)) {
            JsonNode first = TestingPipelines.run(cluster, TestingPipelines.write(dir, "twice.yaml", PIPELINE.formatted(1000)));
            assertThat(first.path("state").asText()).as("view %s", first).isEqualTo("SUCCEEDED");
            Path out = dir.resolve("out/twice");
            List<String> before = listing(out);
            byte[][] parts = {Files.readAllBytes(out.resolve("part-0.parquet")), Files.readAllBytes(out.resolve("part-1.parquet"))};

            // The next run's task 1 cannot move the part it replaces aside: a directory is in the way.
            long next = first.path("epoch").asLong() + 1;
            Files.createDirectories(out.resolve(".staging-" + next + "-twice/replaced/part-1.parquet/blocked"));
            JsonNode second = TestingPipelines.run(cluster, TestingPipelines.write(dir, "twice.yaml", PIPELINE.formatted(2000)));

            assertThat(second.path("epoch").asLong()).isEqualTo(next);
            assertThat(second.path("state").asText()).as("view %s", second).isEqualTo("FAILED");
            assertThat(second.path("failure").asText()).contains("could not commit its output");
            // Task 0 had committed; its worker puts part-0 back when it sees the pipeline failed.
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    Arrays.equals(Files.readAllBytes(out.resolve("part-0.parquet")), parts[0]));
            assertThat(listing(out)).isEqualTo(before);
            assertThat(Files.readAllBytes(out.resolve("part-0.parquet"))).as("part-0 put back").isEqualTo(parts[0]);
            assertThat(Files.readAllBytes(out.resolve("part-1.parquet"))).isEqualTo(parts[1]);
            TestingPipelines.assertParquetEquals(out, "SELECT i AS id FROM range(1000) t(i)");
        }
    }

    /** The visible files: parts and the manifest (staging directories are hidden). */
    private static List<String> listing(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> !name.startsWith(".staging-"))
                    .sorted().toList();
        }
    }
}
