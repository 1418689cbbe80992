package dev.skein.spec;

import static java.util.Objects.requireNonNull;

/**
 * Appends the output to a table in the worker's table database (the one its Flight service
 * serves), atomically when the pipeline succeeds.
 *
 * @param table table name, {@code [A-Za-z_][A-Za-z0-9_]*}
 * @param location where the sink's list item starts
 */
public record DuckDbSinkSpec(String table, Location location) implements SinkSpec {
    public DuckDbSinkSpec {
        requireNonNull(table, "table is null");
        requireNonNull(location, "location is null");
    }
}
