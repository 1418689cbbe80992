package dev.skein.coordinator.http;

import dev.skein.spi.ErrorCode;

/** The one place where an {@link ErrorCode} becomes an HTTP status. */
final class HttpStatuses {
    private HttpStatuses() {}

    static int of(ErrorCode code) {
        return switch (code) {
            case INVALID_SPEC, INVALID_ARGUMENT -> 400;
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            // A stale epoch conflicts with the current plan, as a duplicate or a cancelled run does.
            case ALREADY_EXISTS, CANCELLED, STALE_EPOCH -> 409;
            case NOT_SUPPORTED -> 501;
            // The node's own configuration is at fault, not the request.
            case INVALID_CONFIG, STAGE_FAILED, INTERNAL -> 500;
            case NO_WORKERS, RESOURCES_EXHAUSTED, EXTERNAL, NOT_LEADER -> 503;
        };
    }
}
