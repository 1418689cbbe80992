package dev.skein.worker.stage;

import java.util.Optional;
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
     * Runs the stage over its whole input and returns the output schema. By default one batch at a
     * time through {@link #accept}, then {@link #finish}; a transform that does better with more
     * of its input at once (several batches per DuckDB query, one streaming query) overrides it.
     */
    default Schema run(BatchInput input, StageOutput out) throws Exception {
        while (true) {
            Optional<VectorSchemaRoot> next = input.take();
            if (next.isEmpty()) {
                return finish(input.schemaOrNull(), out);
            }
            try (VectorSchemaRoot batch = next.get()) {
                accept(batch, out);
            }
        }
    }

    /**
     * Frees what the transform holds.
     *
     * @throws dev.skein.spi.SkeinException if the transform failed to release its resources (a
     *     Java transform that leaked Arrow memory)
     */
    @Override
    void close();
}
