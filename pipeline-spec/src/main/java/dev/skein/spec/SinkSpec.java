package dev.skein.spec;

/** Where the last stage's output goes. A pipeline has zero or more sinks. */
public sealed interface SinkSpec permits ParquetSinkSpec, CsvSinkSpec, CountSinkSpec, DuckDbSinkSpec {
    /** Where the sink's list item starts in the file. */
    Location location();
}
