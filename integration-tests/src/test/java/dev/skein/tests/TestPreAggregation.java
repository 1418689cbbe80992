package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import dev.skein.testing.TestingPipelines;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
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

    /**
     * A stage that only projects runs fused into the next stage's pre-aggregation while nobody taps
     * it, and as itself while a tap is open: the tap sees every row of the batches sent while it was
     * open, the stage counts every row either way, and the answer is DuckDB's.
     */
    @Test
    void aFusedStageStandsAsideForATapAndTheAnswerIsDuckDbs() throws Exception {
        String name = "fused-tap";
        Path file = TestingPipelines.write(dir, name + ".yaml", """
                name: %s
                source:
                  type: ingest
                  schema:
                    id: BIGINT
                stages:
                  - {name: shape, sql: "SELECT id, id %% 7 AS k, (id * 2)::DOUBLE AS twice FROM input", parallelism: 2}
                  - name: totals
                    mode: final
                    sql: SELECT k, count(*) AS n, sum(twice) AS s, min(id) AS lo FROM input GROUP BY k ORDER BY k
                sinks:
                  - {type: parquet, path: out}
                """.formatted(name));
        assertThat(TestingPipelines.submit(cluster, file).status()).isEqualTo(201);
        CoordinatorClient rest = new CoordinatorClient(cluster.coordinatorUrl());
        String[] address = cluster.coordinatorFlightAddress().split(":");
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient coordinator = FlightClient.builder(allocator,
                        Location.forGrpcInsecure(address[0], Integer.parseInt(address[1]))).build()) {
            FlightEndpoint ingest = coordinator.getInfo(FlightDescriptor.path(name, "ingest")).getEndpoints().get(0);
            try (Writer writer = new Writer(allocator, ingest, rest, name)) {
                // One batch at a time, each taken before the next is sent: every task's first batch
                // runs the stage's own query, its second is fused.
                for (int i = 0; i < 4; i++) {
                    writer.put();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> shape(rest, name).path("fusedRows").asLong()
                        == 2 * BATCH);

                Tap tap = new Tap(allocator, coordinator, name);
                try {
                    // Until both tasks' taps are live, then four batches that only the stage's own query makes.
                    for (int i = 0; i < 100 && !tap.bothLive(); i++) {
                        writer.put();
                    }
                    assertThat(tap.bothLive()).as("both tasks' taps delivered rows").isTrue();
                    long firstTapped = writer.sent;
                    for (int i = 0; i < 4; i++) {
                        writer.put();
                    }
                    long tappedEnd = writer.sent;
                    await().atMost(Duration.ofSeconds(30)).until(() -> tap.ids().containsAll(range(firstTapped, tappedEnd)));
                    assertThat(tap.wrongRows()).as("tapped rows are the stage's own output").isEmpty();
                } finally {
                    tap.close();
                }
                long fusedBefore = shape(rest, name).path("fusedRows").asLong();
                for (int i = 0; i < 100 && shape(rest, name).path("fusedRows").asLong() == fusedBefore; i++) {
                    writer.put();
                }
                assertThat(shape(rest, name).path("fusedRows").asLong()).as("fused again once the tap closed")
                        .isGreaterThan(fusedBefore);
                writer.finish();
            }
            coordinator.doAction(new Action("finish-ingest", name.getBytes(StandardCharsets.UTF_8))).next();
            JsonNode view = TestingPipelines.awaitEnd(cluster, name);
            assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
            long rows = view.path("stages").get(0).path("rowsOut").asLong();
            JsonNode shape = view.path("stages").get(1);
            assertThat(shape.path("rowsIn").asLong()).isEqualTo(rows);
            assertThat(shape.path("rowsOut").asLong()).isEqualTo(rows);
            assertThat(view.path("stages").get(2).path("rowsIn").asLong()).as("partial rows: 2 tasks x 2 x 7 groups")
                    .isBetween(7L, 28L);
            TestingPipelines.assertParquetEquals(dir.resolve("out"), "SELECT id % 7 AS k, count(*) AS n,"
                    + " sum((id * 2)::DOUBLE) AS s, min(id) AS lo FROM range(" + rows + ") t(id) GROUP BY k ORDER BY k");
        }
        TestingPipelines.assertNoArrowMemoryHeld(cluster);
    }

    private static final int BATCH = 1000;

    private static JsonNode shape(CoordinatorClient rest, String name) {
        return rest.get(name).body().path("stages").get(1);
    }

    private static List<Long> range(long from, long to) {
        return java.util.stream.LongStream.range(from, to).boxed().toList();
    }

    /** One DoPut into the ingest source; each batch of {@value #BATCH} ids is taken before the next goes. */
    private static final class Writer implements AutoCloseable {
        private final FlightClient client;
        private final BigIntVector id;
        private final VectorSchemaRoot root;
        private final SyncPutListener listener = new SyncPutListener();
        private final FlightClient.ClientStreamListener stream;
        private final CoordinatorClient rest;
        private final String name;
        private boolean finished;
        long sent;

        Writer(BufferAllocator allocator, FlightEndpoint ingest, CoordinatorClient rest, String name) {
            this.client = FlightClient.builder(allocator, ingest.getLocations().get(0)).build();
            this.id = new BigIntVector("id", allocator);
            this.root = VectorSchemaRoot.of(id);
            this.stream = client.startPut(FlightDescriptor.command(ingest.getTicket().getBytes()), root, listener);
            this.rest = rest;
            this.name = name;
        }

        void put() {
            id.allocateNew(BATCH);
            for (int i = 0; i < BATCH; i++) {
                id.set(i, sent + i);
            }
            root.setRowCount(BATCH);
            stream.putNext();
            sent += BATCH;
            long expected = sent;
            await().atMost(Duration.ofSeconds(30)).until(() -> shape(rest, name).path("rowsIn").asLong() >= expected);
        }

        void finish() throws Exception {
            finished = true;
            assertThat(TestingPipelines.finishPut(stream, listener)).isEqualTo("{\"ingested\":" + sent + "}");
        }

        @Override
        public void close() throws Exception {
            if (!finished) {
                stream.error(new IllegalStateException("the test failed"));
                listener.close();
            }
            AutoCloseables.close(root, client);
        }
    }

    /** A following tap on every task of {@code shape}, read by a thread per task. */
    private static final class Tap implements AutoCloseable {
        private final List<FlightClient> clients = new ArrayList<>();
        private final List<FlightStream> streams = new ArrayList<>();
        private final ExecutorService readers = Executors.newCachedThreadPool();
        private final java.util.Set<Long> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final List<String> wrong = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicIntegerArray live = new java.util.concurrent.atomic.AtomicIntegerArray(2);

        Tap(BufferAllocator allocator, FlightClient coordinator, String name) {
            FlightInfo info = coordinator.getInfo(FlightDescriptor.command(
                    ("{\"pipeline\":\"" + name + "\",\"stage\":\"shape\",\"follow\":true}").getBytes(StandardCharsets.UTF_8)));
            assertThat(info.getEndpoints()).hasSize(2);
            for (int task = 0; task < 2; task++) {
                FlightEndpoint endpoint = info.getEndpoints().get(task);
                FlightClient client = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
                clients.add(client);
                FlightStream stream = client.getStream(endpoint.getTicket());
                streams.add(stream);
                int index = task;
                readers.submit(() -> read(stream, index));
            }
        }

        private Void read(FlightStream stream, int task) {
            while (stream.next()) {
                VectorSchemaRoot batch = stream.getRoot();
                BigIntVector id = (BigIntVector) batch.getVector("id");
                BigIntVector k = (BigIntVector) batch.getVector("k");
                Float8Vector twice = (Float8Vector) batch.getVector("twice");
                for (int row = 0; row < batch.getRowCount(); row++) {
                    if (k.get(row) != id.get(row) % 7 || twice.get(row) != id.get(row) * 2.0) {
                        wrong.add(id.get(row) + ": " + k.get(row) + ", " + twice.get(row));
                    }
                    ids.add(id.get(row));
                }
                if (batch.getRowCount() > 0) {
                    live.set(task, 1);
                }
            }
            return null;
        }

        boolean bothLive() {
            return live.get(0) == 1 && live.get(1) == 1;
        }

        java.util.Set<Long> ids() {
            return ids;
        }

        List<String> wrongRows() {
            return wrong;
        }

        @Override
        public void close() throws Exception {
            for (FlightStream stream : streams) {
                stream.cancel("the test has what it needs", null);
            }
            readers.shutdown();
            assertThat(readers.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            AutoCloseables.close(streams);
            AutoCloseables.close(clients);
        }
    }
}
