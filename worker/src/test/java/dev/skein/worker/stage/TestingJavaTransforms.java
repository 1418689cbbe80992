package dev.skein.worker.stage;

import dev.skein.spi.BatchEmitter;
import dev.skein.spi.BatchTransform;
import dev.skein.spi.TransformContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Transforms that exercise {@link JavaStageTransform}: well-behaved ones and each kind of misbehaviour. */
public final class TestingJavaTransforms {
    private TestingJavaTransforms() {}

    /** Passes the input's columns through and adds {@code id + config.add} as {@code shifted}. */
    public static final class Shift implements BatchTransform {
        private static final Field SHIFTED = Field.nullable("shifted", new ArrowType.Int(64, true));
        private TransformContext context;
        private long add;

        @Override
        public void open(TransformContext context) {
            this.context = context;
            if (!(context.config().get("add") instanceof Long number)) {
                throw new IllegalArgumentException("config 'add' must be an integer");
            }
            this.add = number;
        }

        @Override
        public Schema outputSchema(Schema input) {
            List<Field> fields = new ArrayList<>(input.getFields());
            fields.add(SHIFTED);
            return new Schema(fields);
        }

        @Override
        public void apply(VectorSchemaRoot input, BatchEmitter out) {
            BigIntVector ids = (BigIntVector) input.getVector("id");
            try (BigIntVector shifted = new BigIntVector(SHIFTED, context.allocator())) {
                shifted.allocateNew(input.getRowCount());
                for (int row = 0; row < input.getRowCount(); row++) {
                    shifted.set(row, ids.get(row) + add);
                }
                shifted.setValueCount(input.getRowCount());
                List<FieldVector> vectors = new ArrayList<>(input.getFieldVectors());
                vectors.add(shifted);
                out.emit(new VectorSchemaRoot(outputSchema(input.getSchema()).getFields(), vectors, input.getRowCount()));
            }
        }
    }

    /** Holds a copy of every input batch and emits them all, in order, at end of input. */
    public static final class HoldUntilEnd implements BatchTransform {
        private final List<VectorSchemaRoot> held = new ArrayList<>();
        private TransformContext context;

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
            VectorSchemaRoot copy = VectorSchemaRoot.create(input.getSchema(), context.allocator());
            for (int column = 0; column < input.getFieldVectors().size(); column++) {
                FieldVector from = input.getVector(column);
                FieldVector to = copy.getVector(column);
                for (int row = 0; row < input.getRowCount(); row++) {
                    to.copyFromSafe(row, row, from);
                }
            }
            copy.setRowCount(input.getRowCount());
            held.add(copy);
        }

        @Override
        public void finish(BatchEmitter out) {
            held.forEach(out::emit);
        }

        @Override
        public void close() {
            held.forEach(VectorSchemaRoot::close);
            held.clear();
        }
    }

    /** Fails on its second batch. */
    public static final class FailsOnSecondBatch implements BatchTransform {
        private int batches;

        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }

        @Override
        public void apply(VectorSchemaRoot input, BatchEmitter out) {
            if (++batches == 2) {
                throw new IllegalStateException("batch 2 has a bad row");
            }
            out.emit(input);
        }
    }

    /** Keeps a buffer it never frees. */
    public static final class Leaks implements BatchTransform {
        private ArrowBuf kept;

        @Override
        public void open(TransformContext context) {
            kept = context.allocator().buffer(1024);
        }

        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }

        @Override
        public void apply(VectorSchemaRoot input, BatchEmitter out) {
            out.emit(input);
        }

        /** Releases what it leaked, so that the test can close its allocators. */
        public void releaseLeak() {
            kept.close();
        }
    }

    /** Declares its input's schema but emits a batch without the last column. */
    public static final class EmitsWrongSchema implements BatchTransform {
        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }

        @Override
        public void apply(VectorSchemaRoot input, BatchEmitter out) {
            List<FieldVector> vectors = input.getFieldVectors().subList(0, input.getFieldVectors().size() - 1);
            List<Field> fields = vectors.stream().map(FieldVector::getField).toList();
            out.emit(new VectorSchemaRoot(fields, vectors, input.getRowCount()));
        }
    }

    /** Wraps whatever {@code emit} throws into an exception of its own. */
    public static final class WrapsEmitFailures implements BatchTransform {
        @Override
        public Schema outputSchema(Schema input) {
            return input;
        }

        @Override
        public void apply(VectorSchemaRoot input, BatchEmitter out) {
            try {
                out.emit(input);
            } catch (RuntimeException e) {
                throw new IllegalStateException("could not emit", e);
            }
        }
    }
}
