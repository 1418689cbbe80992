package dev.skein.cluster.flight;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;

/**
 * The one place where a {@link SkeinException} becomes a Flight {@link CallStatus} (and back), for
 * the coordinator and the workers alike.
 */
public final class CallStatuses {
    private CallStatuses() {}

    public static FlightRuntimeException toFlight(Throwable failure) {
        if (failure instanceof FlightRuntimeException flight) {
            return flight;
        }
        if (!(failure instanceof SkeinException skein)) {
            return CallStatus.INTERNAL.withDescription(String.valueOf(failure.getMessage())).withCause(failure).toRuntimeException();
        }
        CallStatus status = switch (skein.errorCode()) {
            case INVALID_SPEC -> CallStatus.INVALID_ARGUMENT;
            case NOT_FOUND -> CallStatus.NOT_FOUND;
            case ALREADY_EXISTS -> CallStatus.ALREADY_EXISTS;
            case STAGE_FAILED -> CallStatus.INTERNAL;
            case STALE_EPOCH -> CallStatus.INVALID_ARGUMENT;
            case CANCELLED -> CallStatus.CANCELLED;
            case UNAUTHENTICATED -> CallStatus.UNAUTHENTICATED;
            case NO_WORKERS, RESOURCES_EXHAUSTED -> CallStatus.RESOURCE_EXHAUSTED;
            case EXTERNAL -> CallStatus.UNAVAILABLE;
            case INTERNAL -> CallStatus.INTERNAL;
        };
        return status.withDescription(skein.getMessage()).withCause(skein).toRuntimeException();
    }

    /** The {@link ErrorCode} name travels in the description prefix so the far side can tell. */
    public static SkeinException fromFlight(FlightRuntimeException failure, String what) {
        ErrorCode code = switch (failure.status().code()) {
            case CANCELLED -> ErrorCode.CANCELLED;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case UNAUTHENTICATED -> ErrorCode.UNAUTHENTICATED;
            case INVALID_ARGUMENT -> ErrorCode.INVALID_SPEC;
            case UNAVAILABLE, TIMED_OUT -> ErrorCode.EXTERNAL;
            default -> ErrorCode.INTERNAL;
        };
        return new SkeinException(code, what + ": " + failure.status().description(), failure);
    }
}
