package dev.skein.worker.duckdb;

/** What DuckDB's plan says a stage's query does with the rows of {@code input} ({@link DuckDbSession#shape}). */
public enum QueryShape {
    /** Aggregates, windows, sorts, limits, DISTINCT, joins, set operations: needs its input whole. */
    OTHER,
    /** Projections and filters only: each row on its own, some rows dropped. */
    ROW_BY_ROW,
    /** Projections only: exactly one output row per input row, in order. */
    ONE_ROW_PER_ROW;

    /** Whether the query gives the same rows over several batches at once as over each alone. */
    public boolean isRowByRow() {
        return this != OTHER;
    }
}
