package dev.skein.coordinator.binding;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * What a {@code parquet} or {@code csv} source's {@code path:} means to DuckDB: a file or a glob as
 * written, and a directory as every file with the format's extension directly inside it (DuckDB's
 * readers take no bare directories).
 */
final class FileSet {
    private FileSet() {}

    static String of(String path, String extension) {
        try {
            if (Files.isDirectory(Path.of(path))) {
                return Path.of(path, "*." + extension).toString();
            }
        } catch (InvalidPathException e) {
            // a glob or URL that is no path on this platform: DuckDB reads it as written
        }
        return path;
    }
}
