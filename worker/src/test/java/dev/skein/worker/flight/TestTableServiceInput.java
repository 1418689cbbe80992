package dev.skein.worker.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.cluster.ZkClusterConfig;
import dev.skein.worker.TestingWorkers;
import dev.skein.worker.WorkerNode;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Hostile input to a worker's tables, sent as a real Flight client: refused with a message, nothing stored. */
class TestTableServiceInput {
    private TestingServer zookeeper;
    private WorkerNode worker;
    private BufferAllocator allocator;
    private FlightClient client;

    @BeforeEach
    void start() throws Exception {
        zookeeper = new TestingServer();
        worker = WorkerNode.start(TestingWorkers.config(ZkClusterConfig.of(zookeeper.getConnectString()), false));
        allocator = new RootAllocator();
        client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", worker.port())).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        allocator.close();
        worker.close();
        zookeeper.close();
    }

    @Test
    void aBatchWhoseBodyContradictsItselfIsRefusedAndNothingIsStored() throws Exception {
        try (VarCharVector name = new VarCharVector("name", allocator);
                VectorSchemaRoot root = VectorSchemaRoot.of(name)) {
            SyncPutListener listener = new SyncPutListener();
            FlightClient.ClientStreamListener stream = client.startPut(FlightDescriptor.path("victim"), root, listener);
            name.allocateNew(2);
            name.setSafe(0, "good".getBytes(StandardCharsets.UTF_8));
            name.setSafe(1, "rows".getBytes(StandardCharsets.UTF_8));
            root.setRowCount(2);
            stream.putNext();
            // a forged second batch: its offsets run backwards, so row 2 would start past its own end
            name.allocateNew(2);
            name.setSafe(0, "abcdefgh".getBytes(StandardCharsets.UTF_8));
            name.setSafe(1, new byte[0]);
            name.setValueCount(2);
            name.getOffsetBuffer().setInt(2L * Integer.BYTES, 4);
            root.setRowCount(2);
            stream.putNext();
            stream.completed();

            assertThatThrownBy(stream::getResult)
                    .isInstanceOfSatisfying(FlightRuntimeException.class,
                            e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT))
                    .hasMessageStartingWith("batch 2 of the DoPut into 'victim' is malformed (2 rows claimed): ");
            listener.close();
        }
        // the whole DoPut rolled back, its good first batch too, and the table it created with it
        assertThatThrownBy(() -> client.getInfo(FlightDescriptor.path("victim")))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND));
    }

    @Test
    void anEmptyTicketIsAnInvalidArgumentAndAMissingTableNotFound() {
        assertThatThrownBy(() -> drain(new Ticket(new byte[0])))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT))
                .hasMessageContaining("the ticket is empty or names no kind");
        assertThatThrownBy(() -> drain(new Ticket("null".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> drain(new Ticket(
                        "{\"version\":1,\"kind\":\"table\",\"table\":\"nowhere\"}".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND))
                .hasMessageContaining("no table 'nowhere' on worker 'test-worker'");
    }

    @Test
    void skeinsOwnTableNamesCannotBePlantedReadOrListed() throws Exception {
        // A planted "undo copy" would be put back into a table when a sink undoes its commit.
        try (BigIntVector id = new BigIntVector("id", allocator);
                VectorSchemaRoot root = VectorSchemaRoot.of(id)) {
            id.allocateNew(1);
            id.set(0, 666);
            root.setRowCount(1);
            SyncPutListener listener = new SyncPutListener();
            FlightClient.ClientStreamListener stream =
                    client.startPut(FlightDescriptor.path("SKEIN_undo_12_orders"), root, listener);
            stream.putNext();
            stream.completed();
            assertThatThrownBy(stream::getResult)
                    .isInstanceOfSatisfying(FlightRuntimeException.class,
                            e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT))
                    .hasMessageContaining("table name 'SKEIN_undo_12_orders' is reserved: names starting with 'skein_'"
                            + " belong to Skein's sinks");
            listener.close();
        }
        // One the worker made itself (a sink's staging table) is out of reach by name.
        assertThatThrownBy(() -> client.getInfo(FlightDescriptor.path("skein_staging_1_2_3_0")))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> drain(new Ticket("{\"version\":1,\"kind\":\"table\",\"table\":\"skein_staging_1_2_3_0\"}"
                        .getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(FlightRuntimeException.class,
                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT));
    }

    private void drain(Ticket ticket) throws Exception {
        try (FlightStream stream = client.getStream(ticket)) {
            while (stream.next()) {
                // reading to the end raises the server's error
            }
        }
    }
}
