package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.testing.TestingPipelines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.curator.framework.state.ConnectionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ZooKeeper goes away under a running cluster of real processes. Shorter than the session timeout:
 * no node loses its session, rows keep flowing meanwhile, REST answers from the coordinator's
 * cache, and the running pipeline succeeds, output exact. Longer: every worker registers again by
 * itself under a new session once ZooKeeper is back, the running pipeline ends (either way, never
 * hanging), and the next pipeline runs, output exact.
 */
class TestZooKeeperOutages {
    /** Longer than the short outage, shorter than the long one. */
    private static final Duration SESSION = Duration.ofSeconds(8);
    private static final Duration SHORT_OUTAGE = Duration.ofSeconds(5);
    private static final int BATCH_ROWS = 50_000;
    private static final long PUT_ROWS = 400_000;

    @TempDir
    Path dir;

    @Test
    void aShortOutageKeepsThePipelineRunningAndALongOneHealsMembership() throws Exception {
        long began = System.nanoTime();
        try (TestingFaultCluster cluster = TestingFaultCluster.start(dir, SESSION, 3);
                BufferAllocator allocator = new RootAllocator()) {
            long started = System.nanoTime();
            // Short: 5 s without ZooKeeper in the middle of an ingest pipeline.
            cluster.submit("inflow", ingestPipeline("inflow"));
            FlightEndpoint inflow = ingestEndpoint(cluster, allocator, "inflow");
            assertThat(put(allocator, inflow, 0, PUT_ROWS)).isEqualTo("{\"ingested\":" + PUT_ROWS + "}");
            cluster.awaitView("inflow", Duration.ofSeconds(60), view ->
                    view.path("stages").get(1).path("rowsIn").asLong() == PUT_ROWS);
            Map<String, Long> sessions = cluster.registrations();
            assertThat(sessions).hasSize(3);

            long stoppedAt = System.nanoTime();
            cluster.stopZooKeeper();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cluster.connectionState() == ConnectionState.SUSPENDED);
            assertThat(put(allocator, inflow, PUT_ROWS, PUT_ROWS))
                    .as("rows flow between workers without ZooKeeper")
                    .isEqualTo("{\"ingested\":" + PUT_ROWS + "}");
            long readAt = System.nanoTime();
            CoordinatorClient.ApiResponse cached = cluster.client().get("inflow");
            long readMillis = (System.nanoTime() - readAt) / 1_000_000;
            assertThat(cached.status()).as("REST answers from the cache: %s", cached.body()).isEqualTo(200);
            assertThat(cached.body().path("state").asText()).isEqualTo("RUNNING");
            assertThat(readMillis).as("REST does not wait for ZooKeeper").isLessThan(2_000);
            // The outage has a length, not an end to wait for: it lasts SHORT_OUTAGE from the stop.
            Duration left = SHORT_OUTAGE.minusNanos(System.nanoTime() - stoppedAt);
            if (!left.isNegative()) {
                await().pollDelay(left).atMost(left.plusSeconds(1)).until(() -> true);
            }
            assertThat(cluster.connectionState()).as("shorter than the session").isEqualTo(ConnectionState.SUSPENDED);
            long restartedAt = System.nanoTime();
            cluster.restartZooKeeper();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cluster.connectionState() == ConnectionState.RECONNECTED);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cluster.coordinator().leading());
            long leadsAgain = (System.nanoTime() - restartedAt) / 1_000_000;
            assertThat(cluster.registrations()).as("no worker lost its session").isEqualTo(sessions);

            assertThat(put(allocator, inflow, 2 * PUT_ROWS, PUT_ROWS)).isEqualTo("{\"ingested\":" + PUT_ROWS + "}");
            assertThat(cluster.client().finishIngest("inflow").status()).isEqualTo(200);
            JsonNode inflowEnd = cluster.awaitEnd("inflow");
            assertThat(inflowEnd.path("state").asText()).as("view %s", inflowEnd).isEqualTo("SUCCEEDED");
            assertThat(inflowEnd.path("attempts").size()).isEqualTo(1);
            TestingPipelines.assertParquetEquals(dir.resolve("out/inflow"), tripled(3 * PUT_ROWS));

            long shortDone = System.nanoTime();
            // Long: ZooKeeper stays away until every session has run out.
            cluster.submit("through", ingestPipeline("through"));
            FlightEndpoint through = ingestEndpoint(cluster, allocator, "through");
            assertThat(put(allocator, through, 0, PUT_ROWS)).isEqualTo("{\"ingested\":" + PUT_ROWS + "}");
            cluster.awaitView("through", Duration.ofSeconds(60), view ->
                    view.path("stages").get(1).path("rowsIn").asLong() == PUT_ROWS);
            Map<String, Long> before = cluster.registrations();
            long longStoppedAt = System.nanoTime();
            cluster.stopZooKeeper();
            await().atMost(SESSION.multipliedBy(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cluster.connectionState() == ConnectionState.LOST);
            long outage = (System.nanoTime() - longStoppedAt) / 1_000_000;
            long backAt = System.nanoTime();
            cluster.restartZooKeeper();
            await().atMost(SESSION.multipliedBy(4)).pollInterval(Duration.ofMillis(50)).until(() -> {
                Map<String, Long> now = cluster.registrations();
                return now.keySet().equals(before.keySet())
                        && before.entrySet().stream().noneMatch(old -> old.getValue().equals(now.get(old.getKey())));
            });
            long registeredAgain = (System.nanoTime() - backAt) / 1_000_000;
            assertThat(registeredAgain)
                    .as("registered again before ZooKeeper expires the old sessions (a session timeout after it is back)")
                    .isLessThan(SESSION.toMillis());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> cluster.coordinator().leading());
            long leadsAfterLong = (System.nanoTime() - backAt) / 1_000_000;

            JsonNode throughNow = cluster.client().get("through").body();
            if (throughNow.path("state").asText().equals("RUNNING")) {
                cluster.client().finishIngest("through");
            }
            JsonNode throughEnd = cluster.awaitEnd("through");
            assertThat(throughEnd.path("state").asText()).isIn("SUCCEEDED", "FAILED");
            if (throughEnd.path("state").asText().equals("FAILED")) {
                assertThat(throughEnd.path("failure").asText()).as("view %s", throughEnd).isNotBlank();
            } else {
                TestingPipelines.assertParquetEquals(dir.resolve("out/through"), tripled(PUT_ROWS));
            }

            long longDone = System.nanoTime();
            cluster.submit("after", """
                    name: after
                    source:
                      type: generate
                      sql: SELECT i AS id FROM range(2000000) t(i)
                    stages:
                      - name: triple
                        sql: SELECT id, id * 3 AS v FROM input
                        parallelism: 2
                    sinks:
                      - type: parquet
                        path: out/after
                    """);
            JsonNode after = cluster.awaitEnd("after");
            assertThat(after.path("state").asText()).as("view %s", after).isEqualTo("SUCCEEDED");
            assertThat(after.path("attempts").size()).isEqualTo(1);
            TestingPipelines.assertParquetEquals(dir.resolve("out/after"), tripled(2_000_000));
            System.out.printf("zookeeper outages: short %d ms -> coordinator leads again %d ms after ZooKeeper is back;"
                            + " long %d ms (until the test's client saw LOST) -> every worker registered again %d ms"
                            + " and the coordinator leads %d ms after ZooKeeper is back; the running pipeline %s: %s%n",
                    SHORT_OUTAGE.toMillis(), leadsAgain, outage, registeredAgain, leadsAfterLong,
                    throughEnd.path("state").asText(), throughEnd.path("failure").asText());
            System.out.printf("zookeeper outages, phases: cluster start %d ms, short outage %d ms, long outage %d ms,"
                            + " next pipeline %d ms%n", (started - began) / 1_000_000, (shortDone - started) / 1_000_000,
                    (longDone - shortDone) / 1_000_000, (System.nanoTime() - longDone) / 1_000_000);
        }
    }

    private static String ingestPipeline(String name) {
        return """
                name: %s
                source:
                  type: ingest
                  schema:
                    id: BIGINT
                stages:
                  - name: triple
                    sql: SELECT id, id * 3 AS v FROM input
                    parallelism: 2
                sinks:
                  - type: parquet
                    path: out/%s
                """.formatted(name, name);
    }

    private static String tripled(long rows) {
        return "SELECT id, id * 3 AS v FROM range(" + rows + ") t(id)";
    }

    /** The worker endpoint to DoPut rows into, once the pipeline's ingest task runs. */
    private static FlightEndpoint ingestEndpoint(TestingFaultCluster cluster, BufferAllocator allocator, String name)
            throws Exception {
        cluster.awaitView(name, Duration.ofSeconds(60), view -> view.path("state").asText().equals("RUNNING")
                && Set.of("RUNNING").containsAll(stageStates(view.path("stages").get(0))));
        String[] address = cluster.coordinator().flightAddress().split(":");
        try (FlightClient coordinator = FlightClient.builder(allocator,
                Location.forGrpcInsecure(address[0], Integer.parseInt(address[1]))).build()) {
            return coordinator.getInfo(FlightDescriptor.path(name, "ingest")).getEndpoints().get(0);
        }
    }

    private static Set<String> stageStates(JsonNode stage) {
        Set<String> states = new HashSet<>();
        stage.path("states").forEach(state -> states.add(state.asText()));
        return states;
    }

    /** Puts ids {@code from .. from + rows - 1} in one DoPut; returns the ingest's acknowledgement. */
    private static String put(BufferAllocator allocator, FlightEndpoint endpoint, long from, long rows)
            throws Exception {
        try (FlightClient client = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
                BigIntVector id = new BigIntVector("id", allocator);
                VectorSchemaRoot root = VectorSchemaRoot.of(id)) {
            SyncPutListener listener = new SyncPutListener();
            FlightClient.ClientStreamListener stream =
                    client.startPut(FlightDescriptor.command(endpoint.getTicket().getBytes()), root, listener);
            for (long start = 0; start < rows; start += BATCH_ROWS) {
                int count = (int) Math.min(BATCH_ROWS, rows - start);
                id.allocateNew(count);
                for (int i = 0; i < count; i++) {
                    id.set(i, from + start + i);
                }
                root.setRowCount(count);
                stream.putNext();
            }
            return TestingPipelines.finishPut(stream, listener);
        }
    }
}
