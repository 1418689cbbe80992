package dev.skein.examples;

import dev.skein.spi.BatchEmitter;
import dev.skein.spi.BatchTransform;
import dev.skein.spi.TransformContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The letsql-demo streaming exchanger, re-done as a stage: adds a BOOLEAN column, {@code true} on
 * every row, to every batch. The input's columns pass through untouched: the output batch shares
 * their buffers, only the new column is allocated.
 *
 * <p>Config: {@code column} (default {@code processed}), the new column's name.
 */
public final class MarkProcessed implements BatchTransform {
    private BufferAllocator allocator;
    private Field column;
    private List<Field> outputFields;

    @Override
    public void open(TransformContext context) {
        allocator = context.allocator();
        column = Field.notNullable(StageConfig.string(context.config(), "column", "processed"), ArrowType.Bool.INSTANCE);
    }

    @Override
    public Schema outputSchema(Schema input) {
        for (Field field : input.getFields()) {
            if (field.getName().equalsIgnoreCase(column.getName())) {
                throw new IllegalArgumentException("the input already has a column '" + field.getName()
                        + "'; name the new one with config 'column'");
            }
        }
        List<Field> fields = new ArrayList<>(input.getFields());
        fields.add(column);
        outputFields = List.copyOf(fields);
        return new Schema(outputFields);
    }

    @Override
    public void apply(VectorSchemaRoot input, BatchEmitter out) {
        int rows = input.getRowCount();
        try (BitVector processed = new BitVector(column, allocator)) {
            processed.allocateNew(rows);
            processed.setRangeToOne(0, rows);
            processed.setValueCount(rows);
            List<FieldVector> vectors = new ArrayList<>(input.getFieldVectors());
            vectors.add(processed);
            // The batch borrows the input's vectors: it is emitted, never closed.
            out.emit(new VectorSchemaRoot(outputFields, vectors, rows));
        }
    }
}
