package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.local.LocalCluster;
import dev.skein.testing.TestingPipelines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
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

    private static final String TABLE_PIPELINE = """
            name: tables
            restart: {attempts: 0, backoff: 1s}
            source:
              type: generate
              sql: SELECT i AS id, 'run' AS tag FROM range(1000) t(i)
            stages:
              - name: split
                sql: SELECT id, tag FROM input
                parallelism: 2
            sinks:
              - type: duckdb
                table: kept
            """;
    private static final Field ID = Field.nullable("id", new ArrowType.Int(64, true));
    private static final Field TAG = Field.nullable("tag", ArrowType.Utf8.INSTANCE);

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

    @Test
    void aDuckDbSinkWhoseSecondTaskCannotCommitPutsTheFirstTableBack() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, "256m", 1);
                BufferAllocator allocator = new RootAllocator()) {
            // A first run shows where the stage's two tasks go (the workers the source avoids);
            // the same pipeline on the same idle cluster goes there again.
            JsonNode probe = TestingPipelines.run(cluster,
                    TestingPipelines.write(dir, "tables.yaml", TABLE_PIPELINE.replace("table: kept", "table: probe")));
            assertThat(probe.path("state").asText()).as("view %s", probe).isEqualTo("SUCCEEDED");
            List<String> splitWorkers = workers(probe);
            assertThat(splitWorkers).as("view %s", probe).hasSize(2).doesNotHaveDuplicates();
            String first = cluster.liveWorkerAddresses(java.util.Set.of(splitWorkers.get(0))).get(0);
            String second = cluster.liveWorkerAddresses(java.util.Set.of(splitWorkers.get(1))).get(0);
            // Both hold the table already: the first with the pipeline's columns, the second one
            // column short, so that the task committing there fails.
            put(allocator, first, new Schema(List.of(ID, TAG)), 10);
            put(allocator, second, new Schema(List.of(ID)), 5);
            String before = "SELECT i AS id, 'before' AS tag FROM range(10) t(i) ORDER BY id";

            JsonNode view = TestingPipelines.run(cluster, TestingPipelines.write(dir, "tables.yaml", TABLE_PIPELINE));

            assertThat(view.path("state").asText()).as("view %s", view).isEqualTo("FAILED");
            assertThat(view.path("failure").asText())
                    .contains("could not commit its output: Binder Error: table \"kept\" has 1 columns but 2 values");
            assertThat(workers(view)).as("view %s", view).containsExactlyInAnyOrderElementsOf(splitWorkers);
            // The task on the first worker committed; its worker puts the table back when it sees
            // the pipeline failed.
            assertThat(view.path("stages").get(1).path("states").toString()).as("view %s", view).contains("COMMITTED");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    rows(first, "SELECT id, tag FROM kept ORDER BY id").equals(TestingPipelines.duckDbRows(before)));
            assertThat(rows(first, "SELECT count(*) FROM kept")).containsExactly(List.of("10"));
            assertThat(rows(second, "SELECT id FROM kept ORDER BY id"))
                    .isEqualTo(TestingPipelines.duckDbRows("SELECT i AS id FROM range(5) t(i)"));
            for (String address : List.of(first, second)) {
                assertThat(rows(address, "SELECT table_name FROM duckdb_tables() ORDER BY table_name"))
                        .as("tables of %s: no staging table or copy left", address)
                        .containsExactly(List.of("kept"), List.of("probe"));
            }
        }
    }

    /** The workers of stage 'split', by task index. */
    private static List<String> workers(JsonNode view) {
        List<String> ids = new ArrayList<>();
        view.path("stages").get(1).path("workers").forEach(worker -> ids.add(worker.asText()));
        return ids;
    }

    /** Appends {@code rows} rows ({@code id} 0.., {@code tag} 'before') to table 'kept' of a worker. */
    private static void put(BufferAllocator allocator, String address, Schema schema, int rows) throws Exception {
        String[] hostPort = address.split(":");
        try (FlightClient client = FlightClient.builder(allocator,
                        Location.forGrpcInsecure(hostPort[0], Integer.parseInt(hostPort[1]))).build();
                VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
                SyncPutListener listener = new SyncPutListener()) {
            root.allocateNew();
            for (int i = 0; i < rows; i++) {
                ((BigIntVector) root.getVector("id")).setSafe(i, i);
                if (root.getVector("tag") != null) {
                    ((VarCharVector) root.getVector("tag")).setSafe(i, "before".getBytes(StandardCharsets.UTF_8));
                }
            }
            root.setRowCount(rows);
            FlightClient.ClientStreamListener stream = client.startPut(FlightDescriptor.path("kept"), root, listener);
            stream.putNext();
            stream.completed();
            stream.getResult();
        }
    }

    /** A query's rows as text, read through the worker's Flight SQL service. */
    private static List<List<String>> rows(String address, String sql) throws Exception {
        return TestingPipelines.jdbcRows("jdbc:arrow-flight-sql://" + address + "?useEncryption=false", sql);
    }

    /** The visible files: parts and the manifest (staging directories are hidden). */
    private static List<String> listing(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString()).filter(name -> !name.startsWith(".staging-"))
                    .sorted().toList();
        }
    }
}
