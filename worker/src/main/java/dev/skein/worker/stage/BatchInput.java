package dev.skein.worker.stage;

import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** A stage task's input, as its transform consumes it. Used by the task thread (and DuckDB's). */
public interface BatchInput {
    /**
     * The next batch, owned by the caller from now on, waiting for one if needed; empty at end of
     * input.
     *
     * @throws dev.skein.spi.SkeinException if an upstream failed or the task was cancelled
     */
    Optional<VectorSchemaRoot> take() throws InterruptedException;

    /** A batch that is already waiting, owned by the caller; empty if none is (or input ended). */
    Optional<VectorSchemaRoot> poll();

    /** The input's schema, waiting until the first sender announced it. */
    Schema awaitSchema() throws InterruptedException;

    /** The input's schema if known yet; null before any sender announced it. */
    Schema schemaOrNull();
}
