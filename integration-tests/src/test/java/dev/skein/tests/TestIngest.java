package dev.skein.tests;

import dev.skein.testing.TestingPipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.local.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many writers DoPut into one pipeline while readers look at its DuckDB sink (Duck Takes Flight). */
class TestIngest {
    private static final int WRITERS = 4;
    private static final int ROWS_PER_WRITER = 1_000_000;
    private static final int BATCH_ROWS = 50_000;

    @TempDir
    Path dir;

    @Test
    void everyRowOfConcurrentWritersArrivesExactlyOnce() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(3, "512m", 1);
                BufferAllocator allocator = new RootAllocator()) {
            Path file = TestingPipelines.write(dir, "events.yaml", """
                    name: events
                    source:
                      type: ingest
                      schema:
                        id: BIGINT
                        writer: INTEGER
                    stages:
                      - name: tag
                        sql: SELECT id, writer, id % 10 AS bucket FROM input
                        parallelism: 2
                    sinks:
                      - type: duckdb
                        table: ingested
                    """);
            assertThat(TestingPipelines.submit(cluster, file).status()).isEqualTo(201);
            String[] address = cluster.coordinatorFlightAddress().split(":");
            try (FlightClient coordinator = FlightClient.builder(allocator,
                    Location.forGrpcInsecure(address[0], Integer.parseInt(address[1]))).build()) {
                FlightInfo ingest = coordinator.getInfo(FlightDescriptor.path("events", "ingest"));
                assertThat(ingest.getEndpoints()).hasSize(1);
                FlightEndpoint endpoint = ingest.getEndpoints().get(0);
                assertThat(ingest.getSchema().getFields().toString()).isEqualTo(
                        "[id: Int(64, true), writer: Int(32, true)]");

                assertThatThrownBy(() -> putWrongSchema(allocator, endpoint))
                        .isInstanceOfSatisfying(FlightRuntimeException.class,
                                e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT))
                        .hasMessageContaining("ingest into 'events': field 2 must be 'writer' Int(32, true),"
                                + " got 'writer' Int(64, true)");

                List<Location> sinkWorkers = tagWorkers(cluster);
                ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
                AtomicBoolean writing = new AtomicBoolean(true);
                Future<Integer> reader = pool.submit(() -> readWhileWriting(allocator, sinkWorkers, writing));
                List<Future<String>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    writers.add(pool.submit(() -> put(allocator, endpoint, writer)));
                }
                for (Future<String> ack : writers) {
                    assertThat(ack.get()).isEqualTo("{\"ingested\":" + ROWS_PER_WRITER + "}");
                }
                writing.set(false);
                assertThat(reader.get()).isPositive();
                pool.shutdown();

                var result = coordinator.doAction(new Action("finish-ingest", "events".getBytes(StandardCharsets.UTF_8)));
                assertThat(new String(result.next().getBody(), StandardCharsets.UTF_8)).isEqualTo("DRAINING");
                JsonNode view = TestingPipelines.awaitEnd(cluster, "events");
                assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
                assertThat(view.path("stages").get(0).path("rowsOut").asLong()).isEqualTo((long) WRITERS * ROWS_PER_WRITER);

                BitSet seen = new BitSet(WRITERS * ROWS_PER_WRITER);
                long rows = 0;
                for (Location worker : sinkWorkers) {
                    rows += readTable(allocator, worker, seen);
                }
                assertThat(rows).as("every row exactly once").isEqualTo((long) WRITERS * ROWS_PER_WRITER);
                assertThat(seen.cardinality()).isEqualTo(WRITERS * ROWS_PER_WRITER);
            }
            TestingPipelines.assertNoArrowMemoryHeld(cluster);
        }
    }

    private static String put(BufferAllocator allocator, FlightEndpoint endpoint, int writer) throws Exception {
        try (FlightClient client = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
                BigIntVector id = new BigIntVector("id", allocator);
                IntVector writerColumn = new IntVector("writer", allocator);
                VectorSchemaRoot root = VectorSchemaRoot.of(id, writerColumn)) {
            SyncPutListener listener = new SyncPutListener();
            FlightClient.ClientStreamListener stream =
                    client.startPut(FlightDescriptor.command(endpoint.getTicket().getBytes()), root, listener);
            for (int start = 0; start < ROWS_PER_WRITER; start += BATCH_ROWS) {
                id.allocateNew(BATCH_ROWS);
                writerColumn.allocateNew(BATCH_ROWS);
                for (int i = 0; i < BATCH_ROWS; i++) {
                    id.set(i, (long) writer * ROWS_PER_WRITER + start + i);
                    writerColumn.set(i, writer);
                }
                root.setRowCount(BATCH_ROWS);
                stream.putNext();
            }
            return TestingPipelines.finishPut(stream, listener);
        }
    }

    private static void putWrongSchema(BufferAllocator allocator, FlightEndpoint endpoint) throws Exception {
        try (FlightClient client = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
                BigIntVector id = new BigIntVector("id", allocator);
                BigIntVector writer = new BigIntVector("writer", allocator);
                VectorSchemaRoot root = VectorSchemaRoot.of(id, writer)) {
            id.allocateNew(1);
            writer.allocateNew(1);
            id.set(0, 42);
            writer.set(0, 7);
            root.setRowCount(1);
            SyncPutListener listener = new SyncPutListener();
            FlightClient.ClientStreamListener stream =
                    client.startPut(FlightDescriptor.command(endpoint.getTicket().getBytes()), root, listener);
            stream.putNext();
            stream.completed();
            try {
                stream.getResult();
            } finally {
                listener.close();
            }
        }
    }

    /** Readers see no table (NOT_FOUND) or a committed one, never a failure. */
    private static int readWhileWriting(BufferAllocator allocator, List<Location> workers, AtomicBoolean writing)
            throws Exception {
        int reads = 0;
        while (writing.get()) {
            for (Location worker : workers) {
                try (FlightClient client = FlightClient.builder(allocator, worker).build()) {
                    client.getInfo(FlightDescriptor.path("ingested"));
                } catch (FlightRuntimeException e) {
                    assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND);
                }
                reads++;
            }
        }
        return reads;
    }

    private static long readTable(BufferAllocator allocator, Location worker, BitSet seen) throws Exception {
        long rows = 0;
        try (FlightClient client = FlightClient.builder(allocator, worker).build()) {
            FlightInfo info = client.getInfo(FlightDescriptor.path("ingested"));
            try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
                while (stream.next()) {
                    BigIntVector id = (BigIntVector) stream.getRoot().getVector("id");
                    BigIntVector bucket = (BigIntVector) stream.getRoot().getVector("bucket");
                    for (int row = 0; row < stream.getRoot().getRowCount(); row++) {
                        assertThat(seen.get((int) id.get(row))).as("id %d seen twice", id.get(row)).isFalse();
                        seen.set((int) id.get(row));
                        assertThat(bucket.get(row)).isEqualTo(id.get(row) % 10);
                    }
                    rows += stream.getRoot().getRowCount();
                }
            }
            assertThat(info.getRecords()).isEqualTo(rows);
        }
        return rows;
    }

    private static List<Location> tagWorkers(LocalCluster cluster) throws Exception {
        JsonNode view = new dev.skein.cli.client.CoordinatorClient(cluster.coordinatorUrl()).get("events").body();
        Set<String> ids = new HashSet<>();
        view.path("stages").get(1).path("workers").forEach(worker -> ids.add(worker.asText()));
        List<Location> locations = new ArrayList<>();
        for (String address : cluster.liveWorkerAddresses(ids)) {
            String[] hostPort = address.split(":");
            locations.add(Location.forGrpcInsecure(hostPort[0], Integer.parseInt(hostPort[1])));
        }
        return locations;
    }
}
