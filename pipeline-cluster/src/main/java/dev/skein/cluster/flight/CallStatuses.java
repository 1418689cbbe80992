package dev.skein.cluster.flight;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.Optional;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightRuntimeException;

/**
 * The one place where a {@link SkeinException} becomes a Flight {@link CallStatus} (and back), for
 * the coordinator and the workers alike. The {@link ErrorCode}'s name travels in the error
 * metadata under {@link #ERROR_CODE_KEY}, so the far side restores the exact code (a stale epoch
 * stays a stale epoch); the Flight status code is the nearest Flight has, for other clients.
 */
public final class CallStatuses {
    /** The Flight error metadata key (a gRPC trailer: lowercase ASCII) that holds the code's name. */
    public static final String ERROR_CODE_KEY = "skein-error-code";

    private CallStatuses() {}

    /** The Flight exception for {@code failure}; a Flight exception passes unchanged (with its metadata). */
    public static FlightRuntimeException toFlight(Throwable failure) {
        if (failure instanceof FlightRuntimeException flight) {
            return flight;
        }
        ErrorCode code = failure instanceof SkeinException skein ? skein.errorCode() : ErrorCode.INTERNAL;
        ErrorFlightMetadata metadata = new ErrorFlightMetadata();
        metadata.insert(ERROR_CODE_KEY, code.name());
        return status(code)
                .withDescription(String.valueOf(failure.getMessage()))
                .withCause(failure)
                .withMetadata(metadata)
                .toRuntimeException();
    }

    private static CallStatus status(ErrorCode code) {
        return switch (code) {
            case INVALID_SPEC, INVALID_ARGUMENT, INVALID_CONFIG -> CallStatus.INVALID_ARGUMENT;
            case NOT_FOUND -> CallStatus.NOT_FOUND;
            case ALREADY_EXISTS -> CallStatus.ALREADY_EXISTS;
            case STAGE_FAILED -> CallStatus.INTERNAL;
            case PERMISSION_DENIED -> CallStatus.UNAUTHORIZED;
            case NOT_SUPPORTED -> CallStatus.UNIMPLEMENTED;
            case CANCELLED -> CallStatus.CANCELLED;
            case UNAUTHENTICATED -> CallStatus.UNAUTHENTICATED;
            // Flight has no FAILED_PRECONDITION; Skein peers read the exact code from the metadata.
            case STALE_EPOCH -> CallStatus.INVALID_ARGUMENT;
            case NO_WORKERS, RESOURCES_EXHAUSTED -> CallStatus.RESOURCE_EXHAUSTED;
            case EXTERNAL, NOT_LEADER -> CallStatus.UNAVAILABLE;
            case INTERNAL -> CallStatus.INTERNAL;
        };
    }

    /**
     * The {@link SkeinException} for a failed Flight call: the code from the error metadata when a
     * Skein node sent it, else the nearest code for the Flight status (a non-Skein server).
     *
     * @param what the call that failed, as the message's prefix (e.g. {@code "DoGet on worker 'w1'"})
     */
    public static SkeinException fromFlight(FlightRuntimeException failure, String what) {
        Optional<ErrorCode> sent = sentCode(failure);
        ErrorCode code = sent.orElseGet(() -> nearestCode(failure.status()));
        // Without a code the failure is the transport's (refused, reset, cancelled): say which.
        String why = sent.isPresent() ? failure.status().description() : NetworkFailures.reason(failure);
        return new SkeinException(code, what + ": " + why, failure);
    }

    private static Optional<ErrorCode> sentCode(FlightRuntimeException failure) {
        ErrorFlightMetadata metadata = failure.status().metadata();
        if (metadata == null || !metadata.containsKey(ERROR_CODE_KEY)) {
            return Optional.empty();
        }
        String name = metadata.get(ERROR_CODE_KEY);
        for (ErrorCode code : ErrorCode.values()) {
            if (code.name().equals(name)) {
                return Optional.of(code);
            }
        }
        // A newer peer's code this node does not know: fall back to the Flight status.
        return Optional.empty();
    }

    private static ErrorCode nearestCode(CallStatus status) {
        return switch (status.code()) {
            case CANCELLED -> ErrorCode.CANCELLED;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case ALREADY_EXISTS -> ErrorCode.ALREADY_EXISTS;
            case UNAUTHENTICATED -> ErrorCode.UNAUTHENTICATED;
            case UNAUTHORIZED -> ErrorCode.PERMISSION_DENIED;
            case UNIMPLEMENTED -> ErrorCode.NOT_SUPPORTED;
            case INVALID_ARGUMENT -> ErrorCode.INVALID_ARGUMENT;
            case RESOURCE_EXHAUSTED -> ErrorCode.RESOURCES_EXHAUSTED;
            case UNAVAILABLE, TIMED_OUT -> ErrorCode.EXTERNAL;
            default -> ErrorCode.INTERNAL;
        };
    }
}
