package dev.skein.worker.task;

import dev.skein.cluster.ResultPreview;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Keeps the first {@link ResultPreview#MAX_ROWS} output rows of a last-stage task as text. Only
 * those few rows are ever turned into objects; later batches cost one comparison.
 */
final class PreviewCapture {
    private List<String> columns = List.of();
    private final List<List<String>> rows = new ArrayList<>();

    void capture(VectorSchemaRoot batch) {
        if (columns.isEmpty()) {
            columns = batch.getSchema().getFields().stream().map(Field::getName).toList();
        }
        for (int row = 0; row < batch.getRowCount() && rows.size() < ResultPreview.MAX_ROWS; row++) {
            List<String> values = new ArrayList<>();
            for (FieldVector vector : batch.getFieldVectors()) {
                Object value = vector.getObject(row);
                values.add(value == null ? "NULL" : value.toString());
            }
            rows.add(values);
        }
    }

    ResultPreview preview() {
        return new ResultPreview(columns, rows);
    }
}
