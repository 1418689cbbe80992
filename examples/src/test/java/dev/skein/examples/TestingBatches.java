package dev.skein.examples;

import dev.skein.spi.plugin.TaskTransformContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** Orders as Arrow batches ({@code id BIGINT, customer VARCHAR, amount DOUBLE}) and task contexts, for unit tests. */
final class TestingBatches {
    static final Schema ORDERS = new Schema(List.of(
            Field.nullable("id", new ArrowType.Int(64, true)),
            Field.nullable("customer", ArrowType.Utf8.INSTANCE),
            Field.nullable("amount", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));

    private TestingBatches() {}

    /** One order per entry of {@code customers}/{@code amounts}; ids from {@code firstId}; a null amount is NULL. */
    static VectorSchemaRoot orders(BufferAllocator allocator, long firstId, List<String> customers, List<Double> amounts) {
        VectorSchemaRoot batch = VectorSchemaRoot.create(ORDERS, allocator);
        batch.allocateNew();
        BigIntVector ids = (BigIntVector) batch.getVector("id");
        VarCharVector names = (VarCharVector) batch.getVector("customer");
        Float8Vector values = (Float8Vector) batch.getVector("amount");
        for (int row = 0; row < customers.size(); row++) {
            ids.setSafe(row, firstId + row);
            names.setSafe(row, customers.get(row).getBytes(StandardCharsets.UTF_8));
            if (amounts.get(row) == null) {
                values.setNull(row);
            } else {
                values.setSafe(row, amounts.get(row));
            }
        }
        batch.setRowCount(customers.size());
        return batch;
    }

    /** Task 0 of 1 of stage {@code stage}, with its own child allocator (closed by the caller). */
    static TaskTransformContext context(BufferAllocator parent, Map<String, Object> config) {
        return new TaskTransformContext(
                "p", "stage", 0, 1, config, parent.newChildAllocator("transform", 0, Long.MAX_VALUE));
    }
}
