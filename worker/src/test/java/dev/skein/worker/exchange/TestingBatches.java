package dev.skein.worker.exchange;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Small batches of one BIGINT column {@code id} for exchange tests. */
final class TestingBatches {
    static final Schema SCHEMA = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));

    private TestingBatches() {}

    /** A batch of ids {@code from} to {@code from + rows - 1}, owned by the caller. */
    static VectorSchemaRoot ids(BufferAllocator allocator, long from, int rows) {
        VectorSchemaRoot batch = VectorSchemaRoot.create(SCHEMA, allocator);
        BigIntVector ids = (BigIntVector) batch.getVector("id");
        ids.allocateNew(rows);
        for (int i = 0; i < rows; i++) {
            ids.set(i, from + i);
        }
        batch.setRowCount(rows);
        return batch;
    }

    /** The ids of {@code batch}, which the caller still owns. */
    static List<Long> idsOf(VectorSchemaRoot batch) {
        BigIntVector ids = (BigIntVector) batch.getVector("id");
        List<Long> values = new ArrayList<>(batch.getRowCount());
        for (int i = 0; i < batch.getRowCount(); i++) {
            values.add(ids.get(i));
        }
        return values;
    }
}
