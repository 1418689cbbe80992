package dev.skein.spec;

import static java.util.Objects.requireNonNull;

/**
 * A source reading Parquet files.
 *
 * @param path a file, a directory or a glob, already resolved against the pipeline file's
 *     directory
 * @param pathLocation where the path value is in the file
 * @param batchRows rows per Arrow batch
 * @param location where the {@code source:} key is
 */
public record ParquetSourceSpec(String path, Location pathLocation, int batchRows, Location location)
        implements SourceSpec {
    /** Checks that no component is null. */
    public ParquetSourceSpec {
        requireNonNull(path, "path is null");
        requireNonNull(pathLocation, "pathLocation is null");
        requireNonNull(location, "location is null");
    }
}
