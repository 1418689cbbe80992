package dev.skein.tests;

import dev.skein.testing.TestingPipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Taps, read by Arrow's own FlightClient as any external client would. */
class TestTap {
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
    void tapReturnsOneEndpointPerTaskAndStreamsTheStageOutput() throws Exception {
        try (BufferAllocator allocator = new RootAllocator()) {
            Path file = TestingPipelines.write(dir, "long.yaml", TestingPipelines.endlessEnrich("long"));
            assertThat(TestingPipelines.submit(cluster, file).status()).isEqualTo(201);
            CoordinatorClient rest = new CoordinatorClient(cluster.coordinatorUrl());
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    rest.get("long").body().path("stages").get(1).path("rowsOut").asLong() > 0);

            String[] coordinator = cluster.coordinatorFlightAddress().split(":");
            try (FlightClient client = FlightClient.builder(allocator,
                    Location.forGrpcInsecure(coordinator[0], Integer.parseInt(coordinator[1]))).build()) {
                FlightInfo info = client.getInfo(FlightDescriptor.path("long", "enrich"));

                assertThat(info.getEndpoints()).hasSize(2);
                assertThat(info.getSchema().getFields()).extracting(Field::getName)
                        .containsExactly("id", "category", "value", "doubled");
                assertThat(client.getInfo(FlightDescriptor.path("long.enrich")).getEndpoints()).hasSize(2);
                assertThat(client.getSchema(FlightDescriptor.path("long/enrich")).getSchema())
                        .isEqualTo(info.getSchema());
                List<String> categoriesOfTask = new ArrayList<>();
                for (FlightEndpoint endpoint : info.getEndpoints()) {
                    categoriesOfTask.add(String.join(",", readAndCheck(allocator, endpoint)));
                }
                assertThat(categoriesOfTask.get(0)).as("hash partitioning gives each task its own keys")
                        .isNotEqualTo(categoriesOfTask.get(1));

                assertThatThrownBy(() -> client.getInfo(FlightDescriptor.path("long", "enrch")))
                        .isInstanceOfSatisfying(FlightRuntimeException.class,
                                e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND))
                        .hasMessageContaining("pipeline 'long' has no stage 'enrch'; its stages are source, enrich");

                java.io.StringWriter out = new java.io.StringWriter();
                java.io.StringWriter err = new java.io.StringWriter();
                picocli.CommandLine tap = dev.skein.cli.Main.commandLine();
                tap.setOut(new java.io.PrintWriter(out, true));
                tap.setErr(new java.io.PrintWriter(err, true));
                assertThat(tap.execute("tap", "long/enrich", "--coordinator-flight", cluster.coordinatorFlightAddress(),
                        "--limit", "5", "--format", "csv")).isZero();
                List<String> lines = out.toString().lines().toList();
                assertThat(lines.get(0)).isEqualTo("id,category,value,doubled");
                assertThat(lines).hasSize(1 + 2 * 5);
                for (String line : lines.subList(1, lines.size())) {
                    String[] fields = line.split(",");
                    long id = Long.parseLong(fields[0]);
                    assertThat(fields[1]).isEqualTo("c" + id % 8);
                    assertThat(Double.parseDouble(fields[3])).isEqualTo((id % 1000) / 10.0 * 2);
                }
                assertThat(err.toString()).startsWith("tapping long/enrich: 2 task(s)").contains("10 rows");

                java.io.StringWriter json = new java.io.StringWriter();
                tap.setOut(new java.io.PrintWriter(json, true));
                assertThat(tap.execute("tap", "long.enrich", "--coordinator-flight",
                        "grpc+tcp://" + cluster.coordinatorFlightAddress(), "--limit", "3", "--format", "json")).isZero();
                List<String> objects = json.toString().lines().toList();
                assertThat(objects).hasSize(2 * 3);
                for (String object : objects) {
                    JsonNode row = new com.fasterxml.jackson.databind.ObjectMapper().readTree(object);
                    long id = row.get("id").longValue();
                    assertThat(object).isEqualTo("{\"id\":" + id + ",\"category\":\"c" + id % 8 + "\",\"value\":"
                            + (id % 1000) / 10.0 + ",\"doubled\":" + (id % 1000) / 10.0 * 2 + "}");
                }

                // The source feeds a hash edge, so its query also computes each row's partition:
                // its tap still shows exactly the source's own columns.
                java.io.StringWriter source = new java.io.StringWriter();
                tap.setOut(new java.io.PrintWriter(source, true));
                assertThat(tap.execute("tap", "long/source", "--coordinator-flight", cluster.coordinatorFlightAddress(),
                        "--limit", "3", "--format", "csv")).isZero();
                List<String> sourceLines = source.toString().lines().toList();
                assertThat(sourceLines).hasSize(1 + 3);
                assertThat(sourceLines.get(0)).isEqualTo("id,category,value");

                List<String> listed = new ArrayList<>();
                client.listFlights(new org.apache.arrow.flight.Criteria("lo".getBytes(StandardCharsets.UTF_8)))
                        .forEach(flight -> listed.add(String.join("/", flight.getDescriptor().getPath())));
                assertThat(listed).containsExactly("long/source", "long/enrich");
            }

            JsonNode cancelled = rest.cancel("long").body();
            assertThat(cancelled.path("state").asText()).isEqualTo("CANCELLED");
            TestingPipelines.assertNoArrowMemoryHeld(cluster);
        }
    }

    @Test
    void aTapThatReadsNothingNeitherStopsThePipelineNorHoldsMemory() throws Exception {
        Path file = TestingPipelines.write(dir, "stalled.yaml", """
                name: stalled
                source:
                  type: generate
                  sql: SELECT i AS id, repeat('x', 100) AS payload FROM range(2000000000) t(i)
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                sinks:
                  - type: count
                """);
        assertThat(TestingPipelines.submit(cluster, file).status()).isEqualTo(201);
        CoordinatorClient rest = new CoordinatorClient(cluster.coordinatorUrl());
        await().atMost(Duration.ofSeconds(60)).until(() ->
                rest.get("stalled").body().path("stages").get(1).path("rowsOut").asLong() > 0);
        String[] coordinator = cluster.coordinatorFlightAddress().split(":");
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient client = FlightClient.builder(allocator,
                        Location.forGrpcInsecure(coordinator[0], Integer.parseInt(coordinator[1]))).build()) {
            FlightInfo info = client.getInfo(FlightDescriptor.command(
                    "{\"pipeline\":\"stalled\",\"stage\":\"pass\",\"follow\":true}".getBytes(StandardCharsets.UTF_8)));
            FlightEndpoint endpoint = info.getEndpoints().get(0);
            try (FlightClient worker = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
                    FlightStream neverRead = worker.getStream(endpoint.getTicket())) {
                long before = rest.get("stalled").body().path("stages").get(1).path("rowsOut").asLong();
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        rest.get("stalled").body().path("stages").get(1).path("rowsOut").asLong() > before + 5_000_000);
                try {
                    TestingPipelines.assertWorkerArrowMemoryBelow(cluster, 256L << 20);
                    assertThat(rest.get("stalled").body().path("state").asText()).isEqualTo("RUNNING");
                } finally {
                    // A failure here must not leave the endless pipeline running into the next test.
                    neverRead.cancel("test done", null);
                    assertThat(rest.cancel("stalled").body().path("state").asText()).isEqualTo("CANCELLED");
                }
            }
        }
        TestingPipelines.assertNoArrowMemoryHeld(cluster);
    }

    @Test
    void aFollowingTapRendersEveryTypeAndEndsWhenItsOutputIsClosed() throws Exception {
        Path file = TestingPipelines.write(dir, "typed.yaml", """
                name: typed
                source:
                  type: generate
                  sql: |
                    SELECT i AS id, DATE '2025-01-01' + (i % 7)::INTEGER AS day, (i % 100)::DECIMAL(10,2) AS amount,
                           CASE WHEN i % 2 = 0 THEN NULL ELSE 'x' END AS note, TIMESTAMP '2026-01-01' AS ts,
                           [i % 3, NULL] AS pair
                    FROM range(2000000000) t(i)
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                sinks:
                  - type: count
                """);
        assertThat(TestingPipelines.submit(cluster, file).status()).isEqualTo(201);
        CoordinatorClient rest = new CoordinatorClient(cluster.coordinatorUrl());
        await().atMost(Duration.ofSeconds(60)).until(() ->
                rest.get("typed").body().path("stages").get(1).path("rowsOut").asLong() > 0);

        // Stands for `skein tap ... | head -3`: the pipe breaks after three lines.
        LinesThenBrokenPipe head = new LinesThenBrokenPipe(3);
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine tap = dev.skein.cli.Main.commandLine();
        tap.setOut(new java.io.PrintWriter(head, true));
        tap.setErr(new java.io.PrintWriter(err, true));
        assertThat(tap.execute("tap", "typed/pass", "--coordinator-flight", cluster.coordinatorFlightAddress(),
                "--follow", "--format", "json")).isZero();

        assertThat(head.lines()).hasSize(3);
        for (String line : head.lines()) {
            long id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).get("id").longValue();
            assertThat(line).isEqualTo("{\"id\":" + id + ",\"day\":\"2025-01-0" + (1 + id % 7) + "\",\"amount\":"
                    + id % 100 + ".00,\"note\":" + (id % 2 == 0 ? "null" : "\"x\"")
                    + ",\"ts\":\"2026-01-01T00:00:00\",\"pair\":[" + id % 3 + ",null]}");
        }
        assertThat(err.toString()).doesNotContain("dropped").doesNotContain("error");
        assertThat(rest.get("typed").body().path("state").asText()).isEqualTo("RUNNING");
        assertThat(rest.cancel("typed").body().path("state").asText()).isEqualTo("CANCELLED");
        TestingPipelines.assertNoArrowMemoryHeld(cluster);
    }

    @Test
    void theResultPreviewKeepsEveryTypeInTheRestView() throws Exception {
        Path file = TestingPipelines.write(dir, "preview.yaml", """
                name: preview
                source:
                  type: generate
                  sql: |
                    SELECT 1 AS id, DATE '2025-01-02' AS day, 1.50::DECIMAL(4,2) AS amount, NULL::VARCHAR AS note,
                           TIMESTAMP '2026-01-01' AS ts, 127670399.99993722::DOUBLE AS s, [1, 2] AS list,
                           {'a': 1, 'b': TIME '10:00:00'} AS struct
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                sinks:
                  - type: count
                """);
        JsonNode view = TestingPipelines.run(cluster, file);

        assertThat(view.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(view.path("result").toString()).isEqualTo("{\"columns\":[\"id\",\"day\",\"amount\",\"note\","
                + "\"ts\",\"s\",\"list\",\"struct\"],\"rows\":[[1,\"2025-01-02\",1.50,null,\"2026-01-01T00:00:00\","
                + "127670399.99993722,[1,2],{\"a\":1,\"b\":\"10:00:00\"}]]}");
    }

    /** An output that takes {@code lines} lines, then fails every write as a closed pipe does. */
    private static final class LinesThenBrokenPipe extends java.io.Writer {
        private final StringBuilder text = new StringBuilder();
        private final int lines;

        LinesThenBrokenPipe(int lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(char[] buffer, int offset, int length) throws java.io.IOException {
            if (lines().size() >= lines) {
                throw new java.io.IOException("Broken pipe");
            }
            text.append(buffer, offset, length);
        }

        synchronized List<String> lines() {
            return text.toString().lines().toList();
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }

    /** Reads one task's tap (default limit 100 rows) and checks every row against the stage's SQL. */
    private static List<String> readAndCheck(BufferAllocator allocator, FlightEndpoint endpoint) throws Exception {
        List<String> categories = new ArrayList<>();
        long rows = 0;
        try (FlightClient worker = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
                FlightStream stream = worker.getStream(endpoint.getTicket())) {
            while (stream.next()) {
                BigIntVector id = (BigIntVector) stream.getRoot().getVector("id");
                VarCharVector category = (VarCharVector) stream.getRoot().getVector("category");
                Float8Vector value = (Float8Vector) stream.getRoot().getVector("value");
                Float8Vector doubled = (Float8Vector) stream.getRoot().getVector("doubled");
                for (int row = 0; row < stream.getRoot().getRowCount(); row++) {
                    String key = new String(category.get(row), StandardCharsets.UTF_8);
                    assertThat(key).isEqualTo("c" + id.get(row) % 8);
                    assertThat(value.get(row)).isEqualTo((id.get(row) % 1000) / 10.0);
                    assertThat(doubled.get(row)).isEqualTo(value.get(row) * 2);
                    if (!categories.contains(key)) {
                        categories.add(key);
                    }
                }
                rows += stream.getRoot().getRowCount();
            }
        }
        assertThat(rows).as("a bounded tap stops at its limit").isEqualTo(100);
        categories.sort(null);
        return categories;
    }
}
