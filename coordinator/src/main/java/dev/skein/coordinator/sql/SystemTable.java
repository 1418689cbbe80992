package dev.skein.coordinator.sql;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One table of the {@code system} schema at one moment: its columns and rows, as plain Java
 * values (null for absent) in column order.
 *
 * @param name the table's name in schema {@code system}
 * @param columns its columns, in order
 * @param rows its rows
 */
public record SystemTable(String name, List<Column> columns, List<List<Object>> rows) {
    public SystemTable {
        requireNonNull(name, "name is null");
        columns = List.copyOf(columns);
        List<List<Object>> copies = new ArrayList<>();
        for (List<Object> row : rows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException("a row of system." + name + " has " + row.size() + " values for "
                        + columns.size() + " columns");
            }
            copies.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = List.copyOf(copies);
    }

    /**
     * A column.
     *
     * @param name its name
     * @param type its DuckDB type: {@code VARCHAR}, {@code BIGINT}, {@code INTEGER}, {@code DOUBLE},
     *     {@code BOOLEAN}, or {@code TIMESTAMP} (given as epoch milliseconds)
     */
    public record Column(String name, String type) {
        public Column {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
        }
    }
}
