package dev.skein.worker.stage;

import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Where a SQL stage that emits exactly one row per input row may send its <em>input</em> instead of
 * its output: the next step (the partial half of the next stage's aggregation) runs the stage's
 * query inside its own, so the stage's rows are never exported to Arrow and imported again. The
 * stage asks before each of its queries, so it runs its own query whenever its output must be seen
 * (a tap is open). Used by the task thread.
 */
public interface StageFusion {
    /**
     * Whether the stage may hand over its next input now.
     *
     * @param input the stage's input schema
     * @param output the stage's output schema (from a query it ran itself)
     */
    boolean ready(Schema input, Schema output);

    /**
     * Takes {@code batches} of the stage's input, in place of the stage's output for them.
     * Ownership of the batches moves here, even when this throws.
     */
    void take(List<VectorSchemaRoot> batches) throws Exception;
}
