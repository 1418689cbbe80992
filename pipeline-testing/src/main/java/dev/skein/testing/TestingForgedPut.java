package dev.skein.testing;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A hostile Flight client: a {@code DoPut} whose record batch message says what the attacker
 * wants, built frame by frame on gRPC below Arrow's writer (which would never send a header that
 * contradicts its body).
 */
public final class TestingForgedPut {
    private TestingForgedPut() {}

    /**
     * How the server answered.
     *
     * @param status OK, or the status the call failed with
     * @param acks the app metadata of every acknowledgement, as text
     */
    public record Answer(Status status, List<String> acks) {}

    /** A descriptor as it goes on the wire: a path. */
    public static Flight.FlightDescriptor path(String... path) {
        return Flight.FlightDescriptor.newBuilder()
                .setType(Flight.FlightDescriptor.DescriptorType.PATH)
                .addAllPath(List.of(path))
                .build();
    }

    /** A descriptor as it goes on the wire: a command. */
    public static Flight.FlightDescriptor command(byte[] command) {
        return Flight.FlightDescriptor.newBuilder()
                .setType(Flight.FlightDescriptor.DescriptorType.CMD)
                .setCmd(ByteString.copyFrom(command))
                .build();
    }

    /**
     * The schema, then one batch of a one-column schema whose header claims {@code claimedRows}
     * rows, all NULL, over a body of {@code bodyBytes} bytes (the header describes that body
     * truthfully: an empty validity buffer and a {@code bodyBytes}-byte data buffer).
     */
    public static Answer lyingRowCount(String host, int port, Flight.FlightDescriptor descriptor, Schema schema,
            int claimedRows, int bodyBytes) throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                ArrowBuf validity = allocator.buffer(0);
                ArrowBuf data = allocator.buffer(bodyBytes)) {
            data.setZero(0, bodyBytes);
            data.writerIndex(bodyBytes);
            ByteBuffer header;
            try (ArrowRecordBatch batch = new ArrowRecordBatch(claimedRows,
                    List.of(new ArrowFieldNode(claimedRows, claimedRows)), List.of(validity, data))) {
                header = MessageSerializer.serializeMetadata(batch);
            }
            return put(host, port, descriptor, schema, ByteString.copyFrom(header), ByteString.copyFrom(new byte[bodyBytes]));
        }
    }

    /** The schema, then one message whose header is {@code header} and whose body is {@code body}. */
    public static Answer put(String host, int port, Flight.FlightDescriptor descriptor, Schema schema, ByteString header,
            ByteString body) throws Exception {
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
        try {
            CompletableFuture<Status> done = new CompletableFuture<>();
            List<String> acks = new ArrayList<>();
            StreamObserver<Flight.FlightData> requests = FlightServiceGrpc.newStub(channel).doPut(new StreamObserver<>() {
                @Override
                public void onNext(Flight.PutResult result) {
                    acks.add(result.getAppMetadata().toStringUtf8());
                }

                @Override
                public void onError(Throwable error) {
                    done.complete(Status.fromThrowable(error));
                }

                @Override
                public void onCompleted() {
                    done.complete(Status.OK);
                }
            });
            requests.onNext(Flight.FlightData.newBuilder()
                    .setFlightDescriptor(descriptor)
                    .setDataHeader(ByteString.copyFrom(MessageSerializer.serializeMetadata(schema)))
                    .build());
            requests.onNext(Flight.FlightData.newBuilder().setDataHeader(header).setDataBody(body).build());
            requests.onCompleted();
            return new Answer(done.get(60, TimeUnit.SECONDS), acks);
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
