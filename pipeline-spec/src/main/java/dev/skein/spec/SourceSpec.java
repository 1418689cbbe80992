package dev.skein.spec;

/**
 * Where a pipeline's rows come from. Every source is read through DuckDB and leaves as Arrow
 * batches of at most {@link #batchRows()} rows.
 */
public sealed interface SourceSpec permits GenerateSourceSpec, ParquetSourceSpec, CsvSourceSpec, IngestSourceSpec {
    /** Default number of rows per Arrow batch leaving a source. */
    int DEFAULT_BATCH_ROWS = 65_536;

    /** Rows per Arrow batch leaving the source. */
    int batchRows();

    /** Where the {@code source:} key is in the file. */
    Location location();
}
