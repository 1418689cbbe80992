package dev.skein.spec;

import static java.util.Objects.requireNonNull;

/**
 * A DuckDB query over the relation {@code input}.
 *
 * @param sql the query text as written
 * @param sqlLocation where the SQL text starts in the file (the first character of the scalar's
 *     content, after any block indicator)
 * @param mode per batch or once at end of input
 */
public record SqlTransformSpec(String sql, Location sqlLocation, StageMode mode) implements TransformSpec {
    /** Checks that no component is null. */
    public SqlTransformSpec {
        requireNonNull(sql, "sql is null");
        requireNonNull(sqlLocation, "sqlLocation is null");
        requireNonNull(mode, "mode is null");
    }
}
