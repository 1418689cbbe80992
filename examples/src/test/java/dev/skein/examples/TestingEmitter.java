package dev.skein.examples;

import dev.skein.spi.BatchEmitter;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Collects what a transform emits, as text rows, the way the worker would see the batches. */
final class TestingEmitter implements BatchEmitter {
    private final List<List<String>> rows = new ArrayList<>();
    private final List<Schema> schemas = new ArrayList<>();
    private List<FieldVector> lastVectors = List.of();

    @Override
    public void emit(VectorSchemaRoot batch) {
        schemas.add(batch.getSchema());
        lastVectors = List.copyOf(batch.getFieldVectors());
        for (int row = 0; row < batch.getRowCount(); row++) {
            List<String> values = new ArrayList<>();
            for (FieldVector vector : batch.getFieldVectors()) {
                Object value = vector.getObject(row);
                values.add(value == null ? "NULL" : value.toString());
            }
            rows.add(values);
        }
    }

    List<List<String>> rows() {
        return rows;
    }

    List<Schema> schemas() {
        return schemas;
    }

    /** The vectors of the last batch emitted (valid only while the transform keeps them). */
    List<FieldVector> lastVectors() {
        return lastVectors;
    }
}
