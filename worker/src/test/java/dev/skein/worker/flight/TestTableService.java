package dev.skein.worker.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.cluster.ZkClusterConfig;
import dev.skein.cluster.flight.CallStatuses;
import dev.skein.spi.ErrorCode;
import dev.skein.worker.TestingWorkers;
import dev.skein.worker.WorkerNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** The worker as a DuckDB Flight server: many writers, concurrent readers, read-only SQL. */
class TestTableService {
    private static final int WRITERS = 4;
    private static final int ROWS_PER_WRITER = 1_000_000;
    private static final int BATCH_ROWS = 50_000;

    @Test
    void concurrentWritersAllLandExactlyOnceWhileReadersQuery() throws Exception {
        try (TestingServer zookeeper = new TestingServer();
                WorkerNode worker = WorkerNode.start(TestingWorkers.config(ZkClusterConfig.of(zookeeper.getConnectString()), true));
                BufferAllocator allocator = new RootAllocator();
                FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", worker.port()))
                        .build()) {
            // An empty DoPut creates the table from the stream's schema, so readers never race it.
            assertThat(putEmpty(client, allocator)).isEqualTo("{\"table\":\"events\",\"rows\":0}");
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Future<String>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> put(client, allocator, writer)));
            }
            Future<Integer> reader = pool.submit(() -> {
                int reads = 0;
                long last = 0;
                while (writing.get()) {
                    long count = count(client, allocator, "SELECT count(*) AS n FROM events");
                    assertThat(count).as("a reader sees whole DoPuts only").isGreaterThanOrEqualTo(last);
                    assertThat(count % ROWS_PER_WRITER).isZero();
                    last = count;
                    reads++;
                }
                return reads;
            });
            List<String> acks = new ArrayList<>();
            for (Future<String> future : writers) {
                acks.add(future.get());
            }
            writing.set(false);
            assertThat(reader.get()).isPositive();
            pool.shutdown();

            assertThat(acks).containsOnly("{\"table\":\"events\",\"rows\":" + ROWS_PER_WRITER + "}");
            long total = (long) WRITERS * ROWS_PER_WRITER;
            assertThat(count(client, allocator, "SELECT count(DISTINCT id) FROM events")).isEqualTo(total);
            assertThat(count(client, allocator, "SELECT sum(id) FROM events")).isEqualTo(total * (total - 1) / 2);
            FlightInfo info = client.getInfo(FlightDescriptor.path("events"));
            assertThat(info.getRecords()).isEqualTo(total);
            List<String> listed = new ArrayList<>();
            client.listFlights(Criteria.ALL).forEach(flight -> listed.add(flight.getDescriptor().getPath().get(0)));
            assertThat(listed).containsExactly("events");

            assertThatThrownBy(() -> client.getInfo(FlightDescriptor.command(
                            "DELETE FROM events".getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
                        assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHORIZED);
                        assertThat(CallStatuses.fromFlight(e, "getInfo").errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                    })
                    .hasMessageContaining("only one read-only query is allowed");
            assertThatThrownBy(() -> client.getInfo(FlightDescriptor.command(
                            "SELECT * FROM read_csv('/etc/passwd')".getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOf(FlightRuntimeException.class)
                    .hasMessageContaining("disabled");
            var results = client.doAction(new Action("list-tables"));
            assertThat(new String(results.next().getBody(), StandardCharsets.UTF_8)).isEqualTo("{\"events\":" + total + "}");
        }
    }

    @Test
    void sqlIsOffUnlessAllowedAndMismatchedSchemasAreRefusedBeforeAnyRow() throws Exception {
        try (TestingServer zookeeper = new TestingServer();
                WorkerNode worker = WorkerNode.start(TestingWorkers.config(ZkClusterConfig.of(zookeeper.getConnectString()), false));
                BufferAllocator allocator = new RootAllocator();
                FlightClient client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", worker.port()))
                        .build()) {
            assertThatThrownBy(() -> client.getInfo(FlightDescriptor.command("SELECT 1".getBytes(StandardCharsets.UTF_8))))
                    .isInstanceOfSatisfying(FlightRuntimeException.class, e -> assertThat(
                            CallStatuses.fromFlight(e, "getInfo").errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED))
                    .hasMessageContaining("ad-hoc SQL is off on worker 'test-worker'; start it with --allow-sql");

            put(client, allocator, 0);
            try (VarCharVector id = new VarCharVector("id", allocator);
                    VectorSchemaRoot root = VectorSchemaRoot.of(id)) {
                id.allocateNew(1);
                id.setSafe(0, "x".getBytes(StandardCharsets.UTF_8));
                root.setRowCount(1);
                SyncPutListener listener = new SyncPutListener();
                FlightClient.ClientStreamListener stream = client.startPut(FlightDescriptor.path("events"), root, listener);
                stream.putNext();
                stream.completed();
                assertThatThrownBy(stream::getResult)
                        .isInstanceOfSatisfying(FlightRuntimeException.class,
                                e -> assertThat(CallStatuses.fromFlight(e, "put").errorCode())
                                        .isEqualTo(ErrorCode.INVALID_ARGUMENT))
                        .hasMessageContaining("field 1 of table 'events': expected 'id' Int(64, true), got 'id' Utf8");
                listener.close();
            }
            assertThat(client.getInfo(FlightDescriptor.path("events")).getRecords()).isEqualTo(ROWS_PER_WRITER);
        }
    }

    private static String putEmpty(FlightClient client, BufferAllocator allocator) throws Exception {
        try (BigIntVector id = new BigIntVector("id", allocator);
                VectorSchemaRoot root = VectorSchemaRoot.of(id)) {
            SyncPutListener listener = new SyncPutListener();
            FlightClient.ClientStreamListener stream = client.startPut(FlightDescriptor.path("events"), root, listener);
            stream.completed();
            String ack = ackText(listener.read());
            stream.getResult();
            listener.close();
            return ack;
        }
    }

    private static String ackText(PutResult result) {
        try (var metadata = result.getApplicationMetadata()) {
            byte[] bytes = new byte[(int) metadata.readableBytes()];
            metadata.getBytes(0, bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** One writer's DoPut of ids [writer * N, (writer + 1) * N); returns the server's ack. */
    private static String put(FlightClient client, BufferAllocator allocator, int writer) throws Exception {
        try (BigIntVector id = new BigIntVector("id", allocator);
                VectorSchemaRoot root = VectorSchemaRoot.of(id)) {
            SyncPutListener listener = new SyncPutListener();
            FlightClient.ClientStreamListener stream = client.startPut(FlightDescriptor.path("events"), root, listener);
            for (int start = 0; start < ROWS_PER_WRITER; start += BATCH_ROWS) {
                id.allocateNew(BATCH_ROWS);
                for (int i = 0; i < BATCH_ROWS; i++) {
                    id.set(i, (long) writer * ROWS_PER_WRITER + start + i);
                }
                root.setRowCount(BATCH_ROWS);
                stream.putNext();
            }
            stream.completed();
            String ack = ackText(listener.read());
            stream.getResult();
            listener.close();
            return ack;
        }
    }

    private static long count(FlightClient client, BufferAllocator allocator, String sql) throws Exception {
        FlightInfo info = client.getInfo(FlightDescriptor.command(sql.getBytes(StandardCharsets.UTF_8)));
        try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
            assertThat(stream.next()).isTrue();
            var vector = stream.getRoot().getVector(0);
            Object value = vector.getObject(0);
            return value == null ? 0 : Long.parseLong(value.toString().replaceAll("\\..*", ""));
        }
    }

}
