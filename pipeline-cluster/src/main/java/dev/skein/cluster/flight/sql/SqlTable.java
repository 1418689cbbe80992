package dev.skein.cluster.flight.sql;

import static java.util.Objects.requireNonNull;

/**
 * A table or view as Flight SQL's catalog calls list it.
 *
 * @param catalog its catalog (database)
 * @param schema its schema
 * @param name its name
 * @param type {@code TABLE}, {@code VIEW}, ...
 */
public record SqlTable(String catalog, String schema, String name, String type) {
    public SqlTable {
        requireNonNull(catalog, "catalog is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
