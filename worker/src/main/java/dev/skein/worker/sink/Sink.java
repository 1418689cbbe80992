package dev.skein.worker.sink;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Where a last-stage task writes its output. Output is staged until {@link #commit()}, so a failed
 * pipeline leaves nothing behind. Used by one thread at a time.
 */
public interface Sink extends AutoCloseable {
    /** Writes {@code batch}, still owned by the caller. */
    void write(VectorSchemaRoot batch) throws Exception;

    /** End of output: make the staged output complete. {@code schema} is the output's schema. */
    void finish(Schema schema) throws Exception;

    /** Moves the staged output into place, keeping what it replaces until {@link #release()} or {@link #abort()}. */
    void commit() throws Exception;

    /** The whole pipeline succeeded: forget what {@link #commit()} kept to undo it. */
    default void release() {}

    /**
     * Drops the staged output; after {@link #commit()}, puts back what the commit replaced (file
     * sinks; table sinks of a stage of parallelism &gt; 1: one task's table commit is final).
     * Idempotent; never throws.
     */
    void abort();

    /** Frees resources, dropping staged output if not committed (never undoing a commit). */
    @Override
    void close();
}
