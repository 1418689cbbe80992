package dev.skein.worker.stage;

import org.apache.arrow.vector.VectorSchemaRoot;

/** Receives a stage's output batches. */
@FunctionalInterface
public interface StageOutput {
    /**
     * @param batch valid only during the call and still owned by the stage: a receiver that keeps
     *     it shares its buffers ({@code Batches.share})
     */
    void accept(VectorSchemaRoot batch) throws Exception;
}
