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

    /** Moves the staged output into place. */
    void commit() throws Exception;

    /** Drops the staged output. Idempotent; never throws. */
    void abort();

    /** Frees resources, aborting if not committed. */
    @Override
    void close();
}
