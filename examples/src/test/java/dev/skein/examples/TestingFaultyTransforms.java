package dev.skein.examples;

import dev.skein.spi.BatchEmitter;
import dev.skein.spi.BatchTransform;
import dev.skein.spi.TransformContext;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Transforms that misbehave on purpose, run by worker processes (which share the test class path). */
public final class TestingFaultyTransforms {
    private TestingFaultyTransforms() {}

    /** Passes batches on until it has seen {@code config.rows} rows, then throws. */
    public static final class Explodes implements BatchTransform {
        private long limit;
        private long seen;

        @Override
        public void open(TransformContext context) {
            limit = (Long) context.config().get("rows");
        }

        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }

        @Override
        public void apply(VectorSchemaRoot input, BatchEmitter out) {
            seen += input.getRowCount();
            if (seen > limit) {
                throw new IllegalStateException("more than " + limit + " rows");
            }
            out.emit(input);
        }
    }

    /** Passes batches on, and never frees a buffer it allocates on its first batch. */
    public static final class Leaks implements BatchTransform {
        private TransformContext context;
        private ArrowBuf forgotten;

        @Override
        public void open(TransformContext context) {
            this.context = context;
        }

        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }

        @Override
        public void apply(VectorSchemaRoot input, BatchEmitter out) {
            if (forgotten == null) {
                forgotten = context.allocator().buffer(4096);
            }
            out.emit(input);
        }
    }

    /** Never frees a buffer it allocates when it opens: even checking the pipeline leaks. */
    public static final class LeaksWhenOpened implements BatchTransform {
        private ArrowBuf forgotten;

        @Override
        public void open(TransformContext context) {
            forgotten = context.allocator().buffer(512);
        }

        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }

        @Override
        public void apply(VectorSchemaRoot input, BatchEmitter out) {
            out.emit(input);
        }
    }
}
