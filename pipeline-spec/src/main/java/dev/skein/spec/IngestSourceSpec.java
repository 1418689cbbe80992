package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A source fed by clients: they {@code DoPut} Arrow batches into the pipeline until it is told
 * the input is complete ({@code finish-ingest}). The schema is declared, so SQL stages can be
 * checked before any data arrives and writers with other schemas are refused.
 *
 * @param columns the declared columns, in order
 * @param batchRows rows per Arrow batch leaving DuckDB stages downstream
 * @param location where the {@code source:} key is
 */
public record IngestSourceSpec(List<ColumnSpec> columns, int batchRows, Location location) implements SourceSpec {
    public IngestSourceSpec {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(location, "location is null");
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("an ingest source declares at least one column");
        }
    }

    /**
     * One declared column.
     *
     * @param name column name
     * @param type DuckDB type, e.g. {@code BIGINT}, {@code VARCHAR}, {@code DECIMAL(18,3)}
     * @param location where the column's key is
     */
    public record ColumnSpec(String name, String type, Location location) {
        public ColumnSpec {
            requireNonNull(name, "name is null");
            requireNonNull(type, "type is null");
            requireNonNull(location, "location is null");
        }

        /**
         * The column as a DuckDB select item of its declared type and no value, {@code CAST(NULL AS
         * type) AS "name"}: how the coordinator checks the type and the worker derives the Arrow
         * schema writers must send. The coordinator refuses, at submit, a type that is not type
         * syntax, so the text cannot end the statement.
         */
        public String nullSelectItem() {
            return "CAST(NULL AS " + type + ") AS \"" + name.replace("\"", "\"\"") + "\"";
        }
    }
}
