package dev.skein.cluster.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Result;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Error codes cross a real Flight connection and come back as the same code. */
class TestCallStatuses {
    private static final String NON_SKEIN = "non-skein";
    private static final String UNKNOWN_CODE = "unknown-code";
    private static final String PLAIN_EXCEPTION = "plain-exception";

    private BufferAllocator allocator;
    private FlightServer server;
    private FlightClient client;

    @BeforeEach
    void start() throws Exception {
        allocator = new RootAllocator();
        server = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), new FailingProducer())
                .build()
                .start();
        client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.getPort()))
                .build();
    }

    @AfterEach
    void close() throws Exception {
        AutoCloseables.close(client, server, allocator);
    }

    @Test
    void everyCodeSurvivesTheWire() {
        for (ErrorCode code : ErrorCode.values()) {
            SkeinException received = CallStatuses.fromFlight(call(code.name()), "action '" + code + "'");

            assertThat(received.errorCode()).as("code sent as %s", code).isEqualTo(code);
            assertThat(received.getMessage()).isEqualTo("action '" + code + "': " + messageFor(code.name()));
        }
    }

    @Test
    void flightStatusNamesTheNearestCodeForOtherClients() {
        assertThat(call(ErrorCode.PERMISSION_DENIED.name()).status().code()).isEqualTo(FlightStatusCode.UNAUTHORIZED);
        assertThat(call(ErrorCode.NOT_SUPPORTED.name()).status().code()).isEqualTo(FlightStatusCode.UNIMPLEMENTED);
        assertThat(call(ErrorCode.INVALID_ARGUMENT.name()).status().code())
                .isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
        assertThat(call(ErrorCode.EXTERNAL.name()).status().code()).isEqualTo(FlightStatusCode.UNAVAILABLE);
    }

    @Test
    void nonSkeinErrorMapsByStatusCode() {
        SkeinException received = CallStatuses.fromFlight(call(NON_SKEIN), "action");

        assertThat(received.errorCode()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(received.getMessage()).isEqualTo("action: " + messageFor(NON_SKEIN));
    }

    @Test
    void aNodeThatIsDownIsNamedWithWhyTheCallFailed() throws Exception {
        int port = server.getPort();
        server.close();

        try (FlightClient down = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build()) {
            FlightRuntimeException failure = catchThrowableOfType(
                    FlightRuntimeException.class, () -> down.doAction(new Action("ping")).hasNext());
            SkeinException received = CallStatuses.fromFlight(failure, "calling worker 'w1' at 127.0.0.1:" + port);

            assertThat(received.errorCode()).isEqualTo(ErrorCode.EXTERNAL);
            assertThat(received.getMessage()).isEqualTo("calling worker 'w1' at 127.0.0.1:" + port
                    + ": connection refused (is it running, and on that port?)");
        }
    }

    @Test
    void unknownCodeFromANewerPeerMapsByStatusCode() {
        assertThat(CallStatuses.fromFlight(call(UNKNOWN_CODE), "action").errorCode())
                .isEqualTo(ErrorCode.NOT_SUPPORTED);
    }

    @Test
    void plainExceptionIsInternal() {
        FlightRuntimeException failure = call(PLAIN_EXCEPTION);

        assertThat(failure.status().code()).isEqualTo(FlightStatusCode.INTERNAL);
        assertThat(CallStatuses.fromFlight(failure, "action").errorCode()).isEqualTo(ErrorCode.INTERNAL);
    }

    private FlightRuntimeException call(String type) {
        return catchThrowableOfType(
                FlightRuntimeException.class, () -> client.doAction(new Action(type)).hasNext());
    }

    private static String messageFor(String type) {
        return "action '" + type + "' refused on purpose";
    }

    /** Fails every action: the action's type says how. */
    private static final class FailingProducer extends NoOpFlightProducer {
        @Override
        public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
            String type = action.getType();
            String message = messageFor(type);
            switch (type) {
                case NON_SKEIN -> listener.onError(
                        CallStatus.UNAUTHORIZED.withDescription(message).toRuntimeException());
                case UNKNOWN_CODE -> {
                    ErrorFlightMetadata metadata = new ErrorFlightMetadata();
                    metadata.insert(CallStatuses.ERROR_CODE_KEY, "A_CODE_FROM_THE_FUTURE");
                    listener.onError(CallStatus.UNIMPLEMENTED
                            .withDescription(message)
                            .withMetadata(metadata)
                            .toRuntimeException());
                }
                case PLAIN_EXCEPTION -> listener.onError(CallStatuses.toFlight(new IllegalStateException(message)));
                default -> listener.onError(
                        CallStatuses.toFlight(new SkeinException(ErrorCode.valueOf(type), message)));
            }
        }
    }
}
