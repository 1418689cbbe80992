package dev.skein.spec;

import static java.util.Objects.requireNonNull;

/**
 * Writes {@code part-<task>.parquet} files into a directory, staged and renamed into place only
 * when the pipeline succeeds.
 *
 * @param path the directory, already resolved against the pipeline file's directory
 * @param location where the sink's list item starts
 */
public record ParquetSinkSpec(String path, Location location) implements SinkSpec {
    /** Checks that no component is null. */
    public ParquetSinkSpec {
        requireNonNull(path, "path is null");
        requireNonNull(location, "location is null");
    }
}
