package dev.skein.worker.stage;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What a stage task runs on its input: DuckDB SQL ({@code SqlStageTransform}) or a user's Java
 * class ({@code JavaStageTransform}). Used by one task thread; closed by the task when it ends,
 * before the task's allocator is closed.
 */
public interface StageTransform extends AutoCloseable {
    /**
     * Takes one input batch and emits any output to {@code out}.
     *
     * @param batch owned by the caller, valid during the call
     * @param out receives output batches, each valid only during its call
     */
    void accept(VectorSchemaRoot batch, StageOutput out) throws Exception;

    /**
     * End of input: emits what the stage held back and returns the output schema.
     *
     * @param inputSchema the input's schema, needed when no batch arrived; null if no upstream
     *     stream ever started
     */
    Schema finish(Schema inputSchema, StageOutput out) throws Exception;

    /**
     * Frees what the transform holds.
     *
     * @throws dev.skein.spi.SkeinException if the transform failed to release its resources (a
     *     Java transform that leaked Arrow memory)
     */
    @Override
    void close();
}
