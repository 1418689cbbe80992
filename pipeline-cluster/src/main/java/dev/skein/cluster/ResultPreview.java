package dev.skein.cluster;

import java.util.List;

/**
 * The first rows a last-stage task produced, rendered as text, so a user sees the result whatever
 * the sinks are. Small by construction (see {@link #MAX_ROWS}).
 *
 * @param columns column names
 * @param rows each row's values rendered as text ({@code "NULL"} for null)
 */
public record ResultPreview(List<String> columns, List<List<String>> rows) {
    public static final int MAX_ROWS = 20;

    public ResultPreview {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
    }

    public static ResultPreview empty() {
        return new ResultPreview(List.of(), List.of());
    }
}
