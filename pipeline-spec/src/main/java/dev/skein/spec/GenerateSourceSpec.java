package dev.skein.spec;

import static java.util.Objects.requireNonNull;

/**
 * A source whose rows are produced by a DuckDB query, for example over {@code range()}.
 *
 * @param sql the query
 * @param sqlLocation where the SQL text starts in the file
 * @param batchRows rows per Arrow batch
 * @param location where the {@code source:} key is
 */
public record GenerateSourceSpec(String sql, Location sqlLocation, int batchRows, Location location)
        implements SourceSpec {
    /** Checks that no component is null. */
    public GenerateSourceSpec {
        requireNonNull(sql, "sql is null");
        requireNonNull(sqlLocation, "sqlLocation is null");
        requireNonNull(location, "location is null");
    }
}
