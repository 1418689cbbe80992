package dev.skein.spi;

/**
 * Every error Skein reports has one of these codes. The {@link Type} says whose fault it is, and
 * decides how the error crosses the wire (Flight status, HTTP status) in exactly one place each.
 */
public enum ErrorCode {
    /** The pipeline spec or a request is malformed or refers to something that does not exist. */
    INVALID_SPEC(Type.USER),
    /** A named pipeline, stage or task does not exist. */
    NOT_FOUND(Type.USER),
    /** The object already exists (for example a running pipeline of that name). */
    ALREADY_EXISTS(Type.USER),
    /** A stage's transform failed on the data (for example a cast that fails on some row). */
    STAGE_FAILED(Type.USER),
    /** A request refers to an older plan epoch; the caller is a zombie and must stop. */
    STALE_EPOCH(Type.USER),
    /** The pipeline was cancelled. */
    CANCELLED(Type.USER),
    /** A call came without valid credentials: none, a wrong password, or a bad or expired token. */
    UNAUTHENTICATED(Type.USER),
    /** No live worker can take the work. */
    NO_WORKERS(Type.RESOURCES),
    /** Memory or another resource ran out. */
    RESOURCES_EXHAUSTED(Type.RESOURCES),
    /** ZooKeeper, a remote node or the file system failed. */
    EXTERNAL(Type.EXTERNAL),
    /** A bug in Skein. */
    INTERNAL(Type.INTERNAL);

    /** Whose fault an error is. */
    public enum Type {
        /** The user's input or data; retrying the same thing fails again. */
        USER,
        /** A bug in Skein. */
        INTERNAL,
        /** Something outside Skein failed; a retry may succeed. */
        EXTERNAL,
        /** Not enough capacity; a retry later may succeed. */
        RESOURCES
    }

    private final Type type;

    ErrorCode(Type type) {
        this.type = type;
    }

    /** Whose fault an error with this code is. */
    public Type type() {
        return type;
    }
}
