package dev.skein.coordinator.binding;

import static java.util.Objects.requireNonNull;

/**
 * One column of a relation as DuckDB binds it.
 *
 * @param name the column name as DuckDB reports it (case preserved)
 * @param type the DuckDB type name, exactly as {@code DESCRIBE} prints it, e.g. {@code BIGINT},
 *     {@code DECIMAL(18,3)}, {@code INTEGER[]}, {@code STRUCT(a INTEGER, "b c" VARCHAR)}
 */
public record BoundColumn(String name, String type) {
    public BoundColumn {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }

    /** {@code "name" TYPE}, the column as written in a {@code CREATE TABLE}. */
    String definition() {
        return '"' + name.replace("\"", "\"\"") + "\" " + type;
    }
}
