package dev.skein.coordinator.http;

import dev.skein.spi.ErrorCode;

/** The one place where an {@link ErrorCode} becomes an HTTP status. */
final class HttpStatuses {
    private HttpStatuses() {}

    static int of(ErrorCode code) {
        return switch (code) {
            case INVALID_SPEC, STALE_EPOCH -> 400;
            case UNAUTHENTICATED -> 401;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS -> 409;
            case CANCELLED -> 409;
            case STAGE_FAILED, INTERNAL -> 500;
            case NO_WORKERS, RESOURCES_EXHAUSTED, EXTERNAL -> 503;
        };
    }
}
