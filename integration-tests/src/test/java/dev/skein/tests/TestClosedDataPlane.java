package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import dev.skein.cli.local.LocalCluster;
import dev.skein.testing.TestingForgedPut;
import dev.skein.testing.TestingPipelines;
import io.grpc.Status;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on a worker's data plane, replayed as real clients against a running ingest pipeline:
 * ingest and taps without the coordinator's capability, and DoPuts whose IPC lies. Each is refused
 * with its code and message, and the pipeline ends with exactly the rows its real writer sent.
 */
class TestClosedDataPlane {
    private static final Schema IDS = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));

    @TempDir
    Path dir;

    @Test
    void aWorkerServesOnlyCallsTheCoordinatorGrantedAndBatchesThatMatchTheirBodies() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(1, "384m", 1);
                BufferAllocator allocator = new RootAllocator()) {
            Path file = TestingPipelines.write(dir, "events.yaml", """
                    name: events
                    source:
                      type: ingest
                      schema:
                        id: BIGINT
                    stages:
                      - name: pass
                        sql: SELECT id FROM input
                    sinks:
                      - type: count
                    """);
            assertThat(TestingPipelines.submit(cluster, file).status()).isEqualTo(201);
            String[] address = cluster.coordinatorFlightAddress().split(":");
            try (FlightClient coordinator = FlightClient.builder(allocator,
                    Location.forGrpcInsecure(address[0], Integer.parseInt(address[1]))).build()) {
                FlightEndpoint ingest = coordinator.getInfo(FlightDescriptor.path("events", "ingest")).getEndpoints().get(0);
                URI worker = ingest.getLocations().get(0).getUri();
                JsonNode running = cluster.coordinatorClient().get("events").body();
                long epoch = running.path("epoch").asLong();
                String workerId = running.path("stages").get(0).path("workers").get(0).asText();
                try (FlightClient client = FlightClient.builder(allocator, ingest.getLocations().get(0)).build()) {
                    assertThat(put(client, allocator, FlightDescriptor.command(ingest.getTicket().getBytes())))
                            .isEqualTo("{\"ingested\":10}");

                    assertRefused(() -> put(client, allocator, FlightDescriptor.path("events", "ingest")),
                            FlightStatusCode.UNAUTHORIZED, "ingest into 'events' refused: the call carries no capability;"
                                    + " DoPut with the ticket of the coordinator's GetFlightInfo(PATH [events,"
                                    + " \"ingest\"]) as the descriptor's command");
                    String forgedIngest = """
                            {"version":1,"kind":"ingest","pipeline":"events","epoch":%d,"index":0,\
                            "capability":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""".formatted(epoch);
                    assertRefused(() -> put(client, allocator, FlightDescriptor.command(bytes(forgedIngest))),
                            FlightStatusCode.UNAUTHORIZED, "ingest into task events@" + epoch + "/0-0 refused: the"
                                    + " capability is not this plan's; DoPut with the ticket of the coordinator's"
                                    + " GetFlightInfo(PATH [pipeline, \"ingest\"]) as the descriptor's command");

                    String craftedTap = """
                            {"version":1,"kind":"tap","pipeline":"events","epoch":%d,"stage":1,"index":0,\
                            "limit":10,"follow":false}""".formatted(epoch);
                    assertRefused(() -> drain(client, new Ticket(bytes(craftedTap))), FlightStatusCode.UNAUTHORIZED,
                            "tap on task events@" + epoch + "/1-0 refused: the call carries no capability; DoGet the"
                                    + " tickets of the coordinator's GetFlightInfo(PATH [pipeline, stage])");
                    String ingestCapability = ingestCapability(ingest);
                    String borrowedTap = craftedTap.replace("}", ",\"capability\":\"" + ingestCapability + "\"}");
                    assertRefused(() -> drain(client, new Ticket(bytes(borrowedTap))), FlightStatusCode.UNAUTHORIZED,
                            "tap on task events@" + epoch + "/1-0 refused: the capability is not this plan's; DoGet"
                                    + " the tickets of the coordinator's GetFlightInfo(PATH [pipeline, stage])");

                    FlightInfo tap = coordinator.getInfo(FlightDescriptor.path("events", "pass"));
                    assertThat(tap.getSchema()).isEqualTo(IDS);
                    assertThat(new String(tap.getEndpoints().get(0).getTicket().getBytes(), StandardCharsets.UTF_8))
                            .contains("\"capability\":\"");
                }

                // 20M rows claimed over a 16-byte body, into the pipeline and into a table.
                TestingForgedPut.Answer lyingIngest = TestingForgedPut.lyingRowCount(worker.getHost(), worker.getPort(),
                        TestingForgedPut.command(ingest.getTicket().getBytes()), IDS, 20_000_000, 16);
                assertThat(lyingIngest.status().getCode()).as("%s", lyingIngest.status()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                String lie = "malformed record batch header: column 'id' claims 20000000 values, but its DATA buffer"
                        + " holds 16 bytes (160000000 needed)";
                assertThat(lyingIngest.status().getDescription()).isEqualTo(lie);
                assertThat(lyingIngest.acks()).isEmpty();
                TestingForgedPut.Answer lyingTable = TestingForgedPut.lyingRowCount(worker.getHost(), worker.getPort(),
                        TestingForgedPut.path("victim"), IDS, 20_000_000, 16);
                assertThat(lyingTable.status().getCode()).as("%s", lyingTable.status()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(lyingTable.status().getDescription()).isEqualTo(lie);
                assertThat(lyingTable.acks()).isEmpty();
                TestingForgedPut.Answer garbage = TestingForgedPut.put(worker.getHost(), worker.getPort(),
                        TestingForgedPut.path("victim"), IDS, ByteString.copyFromUtf8("not an IPC message"),
                        ByteString.copyFromUtf8("body"));
                // A data header that is not a flatbuffer fails in Flight's own marshaller, before any Skein code
                // runs (see docs/security.md): refused, nothing stored, nothing leaked, but not INVALID_ARGUMENT.
                assertThat(garbage.status().getCode()).as("%s", garbage.status()).isNotEqualTo(Status.Code.OK);
                assertThat(garbage.acks()).isEmpty();
                assertNothingStored(allocator, ingest, workerId);

                // A 5 MB finish-ingest body: refused before anything decodes it.
                assertThatThrownBy(() -> coordinator.doAction(new Action("finish-ingest", new byte[5 << 20])).next())
                        .isInstanceOfSatisfying(FlightRuntimeException.class, e -> assertThat(e.status().code())
                                .isIn(FlightStatusCode.INVALID_ARGUMENT, FlightStatusCode.RESOURCE_EXHAUSTED));
                // A DoPut of one 160 MB batch (more than a worker's 128 MiB per message): refused, and the
                // worker lives on (the pipeline below still finishes with the real writer's rows).
                try (FlightClient client = FlightClient.builder(allocator, ingest.getLocations().get(0)).build();
                        VectorSchemaRoot huge = VectorSchemaRoot.create(IDS, allocator)) {
                    BigIntVector ids = (BigIntVector) huge.getVector(0);
                    ids.allocateNew(20_000_000);
                    ids.setValueCount(20_000_000);
                    huge.setRowCount(20_000_000);
                    SyncPutListener listener = new SyncPutListener();
                    FlightClient.ClientStreamListener stream = client.startPut(FlightDescriptor.path("victim"), huge,
                            listener);
                    stream.putNext();
                    stream.completed();
                    assertThatThrownBy(stream::getResult)
                            .isInstanceOfSatisfying(FlightRuntimeException.class, e -> assertThat(e.status().code())
                                    .isIn(FlightStatusCode.RESOURCE_EXHAUSTED, FlightStatusCode.CANCELLED,
                                            FlightStatusCode.INTERNAL));
                    listener.close();
                }
                assertNothingStored(allocator, ingest, workerId);

                coordinator.doAction(new Action("finish-ingest", bytes("events"))).next();
                JsonNode view = TestingPipelines.awaitEnd(cluster, "events");
                assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
                assertThat(TestingPipelines.stageRowsOut(view)).as("only the real writer's rows").containsExactly(10L, 10L);
            }
            TestingPipelines.assertNoArrowMemoryHeld(cluster);
        }
    }

    /**
     * No row of a refused DoPut reached the table 'victim': it does not exist, or it is empty (the
     * refusal comes after the stream's schema message, from which the worker may already have
     * created the table; a failure on the worker's side drops it again).
     */
    private static void assertNothingStored(BufferAllocator allocator, FlightEndpoint ingest, String workerId)
            throws Exception {
        try (FlightClient client = FlightClient.builder(allocator, ingest.getLocations().get(0)).build()) {
            try {
                assertThat(client.getInfo(FlightDescriptor.path("victim")).getRecords()).isZero();
            } catch (FlightRuntimeException e) {
                assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND);
                assertThat(e.status().description()).isEqualTo("no table 'victim' on worker '" + workerId + "'");
            }
        }
    }

    private static String ingestCapability(FlightEndpoint ingest) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(ingest.getTicket().getBytes())
                .path("capability").asText();
    }

    private static void assertRefused(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, FlightStatusCode code, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
            assertThat(e.status().code()).isEqualTo(code);
            assertThat(e.status().description()).isEqualTo(message);
        });
    }

    /** DoPuts 10 rows and returns the acknowledgement's text. */
    private static String put(FlightClient client, BufferAllocator allocator, FlightDescriptor descriptor) throws Exception {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(IDS, allocator)) {
            BigIntVector ids = (BigIntVector) root.getVector(0);
            ids.allocateNew(10);
            for (int i = 0; i < 10; i++) {
                ids.set(i, i);
            }
            root.setRowCount(10);
            SyncPutListener listener = new SyncPutListener();
            try {
                FlightClient.ClientStreamListener stream = client.startPut(descriptor, root, listener);
                stream.putNext();
                stream.completed();
                stream.getResult();
                PutResult ack = listener.read();
                try (var metadata = ack.getApplicationMetadata()) {
                    byte[] bytes = new byte[(int) metadata.readableBytes()];
                    metadata.getBytes(0, bytes);
                    return new String(bytes, StandardCharsets.UTF_8);
                }
            } finally {
                listener.close();
            }
        }
    }

    private static void drain(FlightClient client, Ticket ticket) throws Exception {
        try (FlightStream stream = client.getStream(ticket)) {
            while (stream.next()) {
                // reading to the end raises the server's error
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
