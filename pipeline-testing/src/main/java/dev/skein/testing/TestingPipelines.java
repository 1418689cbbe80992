package dev.skein.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Test fixtures for whole pipelines, shared by every module that runs them: submit pipeline files to
 * a local cluster, wait for them, compare their output with DuckDB computing the same directly,
 * and check that workers hold no Arrow memory afterwards.
 */
public final class TestingPipelines {
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestingPipelines() {}

    /**
     * A pipeline that runs until cancelled: a source of {@code id}, {@code category} ('c' || id %
     * 8) and {@code value} ((id % 1000) / 10.0), and stage {@code enrich} (2 tasks, partitioned by
     * category) that adds {@code doubled} (value * 2); a count sink.
     */
    public static String endlessEnrich(String name) {
        return """
                name: %s
                source:
                  type: generate
                  sql: SELECT i AS id, 'c' || (i %% 8) AS category, (i %% 1000) / 10.0 AS value FROM range(2000000000) t(i)
                stages:
                  - name: enrich
                    sql: SELECT id, category, value, value * 2 AS doubled FROM input
                    parallelism: 2
                    partition-by: [category]
                sinks:
                  - type: count
                """.formatted(name);
    }

    /**
     * {@code rows} generated ids, a stage {@code middle} that adds {@code v = id * 3}, a stage
     * {@code keep} that keeps every seventh row, a parquet sink at {@code out/<name>}; DuckDB
     * computes the same rows with {@link #middleAndKeepExpected}.
     *
     * @param restart the pipeline's {@code restart:} value, e.g. {@code "{attempts: 3, backoff: 1s}"},
     *     or empty for the default
     */
    public static String middleAndKeep(String name, long rows, String restart) {
        String restartLine = restart.isEmpty() ? "" : "restart: " + restart + "\n";
        return """
                name: %s
                %ssource:
                  type: generate
                  sql: SELECT i AS id FROM range(%d) t(i)
                stages:
                  - name: middle
                    sql: SELECT id, id * 3 AS v FROM input
                  - name: keep
                    sql: SELECT id, v FROM input WHERE id %% 7 = 1
                sinks:
                  - type: parquet
                    path: out/%s
                """.formatted(name, restartLine, rows, name);
    }

    /** What {@link #middleAndKeep} writes, as one DuckDB query. */
    public static String middleAndKeepExpected(long rows) {
        return "SELECT id, id * 3 AS v FROM range(" + rows + ") t(id) WHERE id % 7 = 1";
    }

    /**
     * Ends a DoPut: completes the stream, waits for the server's acknowledgement and returns its
     * metadata as text (an ingest's "accepted" answer).
     */
    public static String finishPut(FlightClient.ClientStreamListener stream, SyncPutListener listener)
            throws Exception {
        stream.completed();
        PutResult ack = listener.read();
        String text;
        try (ArrowBuf metadata = ack.getApplicationMetadata()) {
            byte[] bytes = new byte[(int) metadata.readableBytes()];
            metadata.getBytes(0, bytes);
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        stream.getResult();
        listener.close();
        return text;
    }

    public static Path write(Path dir, String fileName, String yaml) throws Exception {
        Path file = dir.resolve(fileName);
        Files.writeString(file, yaml);
        return file;
    }

    public static CoordinatorClient.ApiResponse submit(LocalCluster cluster, Path file) throws Exception {
        String yaml = Files.readString(file);
        // The name line, not the parsed spec: tests submit invalid specs too, to see them refused.
        String name = yaml.lines().filter(line -> line.startsWith("name: ")).findFirst().orElseThrow().substring(6).trim();
        return new CoordinatorClient(cluster.coordinatorUrl()).submit(file, name, yaml);
    }

    /** Submits and waits for a terminal state; returns the final view. */
    public static JsonNode run(LocalCluster cluster, Path file) throws Exception {
        CoordinatorClient.ApiResponse submitted = submit(cluster, file);
        assertThat(submitted.status()).as("submit answered %s", submitted.body()).isEqualTo(201);
        return awaitEnd(cluster, submitted.body().path("name").asText());
    }

    public static JsonNode awaitEnd(LocalCluster cluster, String name) {
        CoordinatorClient client = new CoordinatorClient(cluster.coordinatorUrl());
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = client.get(name).body();
            return TERMINAL.contains(last[0].path("state").asText());
        });
        return last[0];
    }

    /** Runs a DuckDB statement without a result (COPY, for instance). */
    public static void duckDbExecute(String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Rows of a DuckDB query as text, in order. */
    public static List<List<String>> duckDbRows(String sql) throws Exception {
        return jdbcRows("jdbc:duckdb:", sql);
    }

    /** Rows of a query through any JDBC driver (DuckDB's, Arrow Flight SQL's) as text, in order. */
    public static List<List<String>> jdbcRows(String url, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int c = 1; c <= columns; c++) {
                    row.add(result.getString(c));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /**
     * Waits until every worker reports no Arrow memory in use: every task of every finished
     * pipeline released what it allocated. A leak keeps the count above zero and fails the test.
     */
    public static void assertNoArrowMemoryHeld(LocalCluster cluster) throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            for (String address : workerAddresses(cluster)) {
                String[] hostPort = address.split(":");
                try (FlightClient client = FlightClient.builder(allocator,
                        Location.forGrpcInsecure(hostPort[0], Integer.parseInt(hostPort[1]))).build()) {
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                        JsonNode health = healthcheck(client);
                        assertThat(health.path("arrow_allocated_bytes").asLong())
                                .as("Arrow bytes held by worker %s", health.path("worker").asText())
                                .isZero();
                    });
                }
            }
        }
    }

    /** Checks, once, that no worker holds more than {@code bytes} of Arrow memory right now. */
    public static void assertWorkerArrowMemoryBelow(LocalCluster cluster, long bytes) throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            for (String address : workerAddresses(cluster)) {
                String[] hostPort = address.split(":");
                try (FlightClient client = FlightClient.builder(allocator,
                        Location.forGrpcInsecure(hostPort[0], Integer.parseInt(hostPort[1]))).build()) {
                    JsonNode health = healthcheck(client);
                    assertThat(health.path("arrow_allocated_bytes").asLong())
                            .as("Arrow bytes held by worker %s", health.path("worker").asText())
                            .isLessThan(bytes);
                }
            }
        }
    }

    private static JsonNode healthcheck(FlightClient client) throws Exception {
        var results = client.doAction(new Action("healthcheck"));
        Result result = results.next();
        while (results.hasNext()) {
            results.next();
        }
        return MAPPER.readTree(new String(result.getBody(), StandardCharsets.UTF_8));
    }

    private static List<String> workerAddresses(LocalCluster cluster) {
        return cluster.liveWorkerAddresses();
    }

    /**
     * Asserts that the parquet files in {@code out} hold exactly the rows (as a multiset) and the
     * column names and types of {@code expectedSql}.
     */
    public static void assertParquetEquals(Path out, String expectedSql) throws Exception {
        String actual = "read_parquet('" + out + "/*.parquet')";
        String expected = "(" + expectedSql + ")";
        assertThat(duckDbRows("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + actual + ")"))
                .isEqualTo(duckDbRows("SELECT column_name, column_type FROM (DESCRIBE " + expectedSql + ")"));
        assertThat(duckDbRows("SELECT count(*) FROM " + actual))
                .isEqualTo(duckDbRows("SELECT count(*) FROM " + expected));
        assertThat(duckDbRows("SELECT count(*) FROM (SELECT * FROM " + actual + " EXCEPT ALL SELECT * FROM " + expected
                        + ")"))
                .as("rows written but not expected")
                .containsExactly(List.of("0"));
        assertThat(duckDbRows("SELECT count(*) FROM (SELECT * FROM " + expected + " EXCEPT ALL SELECT * FROM " + actual
                        + ")"))
                .as("rows expected but not written")
                .containsExactly(List.of("0"));
    }

    /** Rows out of each stage, source first. */
    public static List<Long> stageRowsOut(JsonNode view) {
        List<Long> rows = new ArrayList<>();
        view.path("stages").forEach(stage -> rows.add(stage.path("rowsOut").asLong()));
        return rows;
    }
}
