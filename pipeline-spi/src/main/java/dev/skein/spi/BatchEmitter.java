package dev.skein.spi;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Where a {@link BatchTransform} sends its output: to the next stage's tasks, the stage's taps and
 * (last stage) the pipeline's sinks. Valid only during the {@link BatchTransform#apply} or {@link
 * BatchTransform#finish} call it was passed to, and used by that call's thread only.
 */
public interface BatchEmitter {
    /**
     * Sends one batch downstream. Blocks while downstream is slower (backpressure), so a transform
     * never needs to buffer its output.
     *
     * <p>Ownership: the caller keeps owning {@code batch}; Skein never closes it. When this method
     * returns Skein has taken what it needs: the caller may close the batch, or {@code clear()} it
     * and allocate new buffers for the next batch. Skein may still hold references to the emitted
     * buffers (they are reference counted), so do not write into them again in place ({@code
     * reset()} and refill): clear and allocate instead. A batch with no rows is ignored.
     *
     * @param batch a batch with exactly the schema {@link BatchTransform#outputSchema} returned
     * @throws SkeinException if the schema differs from the declared one, if the pipeline was
     *     cancelled, or if a downstream task failed; let it propagate
     */
    void emit(VectorSchemaRoot batch);
}
