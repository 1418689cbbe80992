package dev.skein.worker.stage;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Passes every batch on unchanged: what an ingest source does with what writers send. */
public final class PassThroughTransform implements StageTransform {
    @Override
    public void accept(VectorSchemaRoot batch, StageOutput out) throws Exception {
        out.accept(batch);
    }

    @Override
    public Schema finish(Schema inputSchema, StageOutput out) {
        return inputSchema;
    }

    @Override
    public void close() {}
}
