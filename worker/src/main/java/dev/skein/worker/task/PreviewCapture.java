package dev.skein.worker.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cluster.ResultPreview;
import dev.skein.cluster.values.ArrowValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Keeps the first {@link ResultPreview#MAX_ROWS} output rows of a last-stage task as JSON values. Only
 * those few rows are ever turned into objects; later batches cost one comparison.
 */
final class PreviewCapture {
    private List<String> columns = List.of();
    private final List<List<JsonNode>> rows = new ArrayList<>();

    void capture(VectorSchemaRoot batch) {
        if (columns.isEmpty()) {
            columns = batch.getSchema().getFields().stream().map(Field::getName).toList();
        }
        for (int row = 0; row < batch.getRowCount() && rows.size() < ResultPreview.MAX_ROWS; row++) {
            List<JsonNode> values = new ArrayList<>();
            for (FieldVector vector : batch.getFieldVectors()) {
                values.add(ArrowValues.json(vector, row));
            }
            rows.add(values);
        }
    }

    ResultPreview preview() {
        return new ResultPreview(columns, rows);
    }
}
