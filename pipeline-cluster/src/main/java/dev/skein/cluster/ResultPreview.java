package dev.skein.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The first rows a last-stage task produced, so a user sees the result whatever the sinks are.
 * Small by construction (see {@link #MAX_ROWS}).
 *
 * @param columns column names
 * @param rows each row's values as JSON ({@link dev.skein.cluster.values.ArrowValues#json}: numbers
 *     as numbers, null as null, dates and times as ISO-8601 text)
 */
public record ResultPreview(List<String> columns, List<List<JsonNode>> rows) {
    public static final int MAX_ROWS = 20;

    public ResultPreview {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
    }

    public static ResultPreview empty() {
        return new ResultPreview(List.of(), List.of());
    }
}
