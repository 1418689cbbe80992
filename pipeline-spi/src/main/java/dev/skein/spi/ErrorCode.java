package dev.skein.spi;

/**
 * Every error Skein reports has one of these codes, one code per meaning. The {@link Type} says
 * whose fault it is and so what a caller may do about it ({@link #retryable()}); the code decides
 * how the error crosses the wire (Flight status, HTTP status) in exactly one place each, and its
 * {@link #name()} travels with it, so the far side restores the same code.
 */
public enum ErrorCode {
    /** The pipeline spec is invalid: a YAML, SQL or Java stage problem reported against the spec. */
    INVALID_SPEC(Type.USER),
    /** A request is malformed: a ticket, command, path, query or field that cannot be understood. */
    INVALID_ARGUMENT(Type.USER),
    /** A node's own configuration is invalid: an option, the cluster secret file, the users file. */
    INVALID_CONFIG(Type.USER),
    /** A named pipeline, stage, task or table does not exist. */
    NOT_FOUND(Type.USER),
    /** The object already exists (for example a running pipeline of that name). */
    ALREADY_EXISTS(Type.USER),
    /** A stage's transform failed on the data (for example a cast that fails on some row). */
    STAGE_FAILED(Type.USER),
    /** The caller is known but not allowed to do this (for example a write query without --allow-sql). */
    PERMISSION_DENIED(Type.USER),
    /** The request asks for something Skein does not do (yet), such as an unknown command version. */
    NOT_SUPPORTED(Type.USER),
    /** The pipeline was cancelled. */
    CANCELLED(Type.USER),
    /** A call came without valid credentials: none, a wrong password, or a bad or expired token. */
    UNAUTHENTICATED(Type.USER),
    /**
     * A request refers to an older plan epoch: the caller acts on a superseded plan (it is a
     * zombie) and must stop its work for that plan, never retry it.
     */
    STALE_EPOCH(Type.FENCED),
    /**
     * This coordinator does not lead (or no longer does): the request belongs with the leading
     * coordinator; a client tries the next coordinator address it knows.
     */
    NOT_LEADER(Type.EXTERNAL),
    /** No live worker can take the work. */
    NO_WORKERS(Type.RESOURCES),
    /** Memory or another resource ran out. */
    RESOURCES_EXHAUSTED(Type.RESOURCES),
    /** ZooKeeper, a remote node or the file system failed. */
    EXTERNAL(Type.EXTERNAL),
    /** A bug in Skein. */
    INTERNAL(Type.INTERNAL);

    /** Whose fault an error is, which decides whether a caller may retry. */
    public enum Type {
        /** The user's input or data; retrying the same thing fails again, so it is never retried. */
        USER,
        /** A bug in Skein; not retried, reported. */
        INTERNAL,
        /** Something outside Skein failed (infrastructure); a restart or retry may succeed. */
        EXTERNAL,
        /** Not enough capacity (infrastructure); a restart or retry later may succeed. */
        RESOURCES,
        /**
         * The caller has been superseded (its epoch is stale): it must stop what it does for that
         * plan and neither retry nor report a failure of its own.
         */
        FENCED;

        /** True for infrastructure errors ({@link #EXTERNAL}, {@link #RESOURCES}), which a retry may cure. */
        public boolean retryable() {
            return this == EXTERNAL || this == RESOURCES;
        }
    }

    private final Type type;

    ErrorCode(Type type) {
        this.type = type;
    }

    /** Whose fault an error with this code is. */
    public Type type() {
        return type;
    }

    /**
     * True if the failed work may succeed when restarted or retried (infrastructure errors); false
     * for user errors, bugs and a stale epoch.
     */
    public boolean retryable() {
        return type.retryable();
    }
}
