package dev.skein.worker.duckdb;

import dev.skein.spec.CsvSourceSpec;
import dev.skein.spec.GenerateSourceSpec;
import dev.skein.spec.ParquetSourceSpec;
import dev.skein.spec.SourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/** The DuckDB query that reads a source. */
public final class SourceSql {
    private SourceSql() {}

    public static String of(SourceSpec source) {
        if (source instanceof GenerateSourceSpec generate) {
            return generate.sql();
        }
        if (source instanceof ParquetSourceSpec parquet) {
            return "SELECT * FROM read_parquet(" + fileArgument(parquet.path(), "*.parquet") + ")";
        }
        if (source instanceof CsvSourceSpec csv) {
            return "SELECT * FROM read_csv(" + fileArgument(csv.path(), "*.csv") + ", header = true)";
        }
        throw new IllegalArgumentException("unknown source spec " + source);
    }

    /** A quoted path; a directory means every matching file in it. */
    private static String fileArgument(String path, String glob) {
        String pattern = Files.isDirectory(Path.of(path)) ? Path.of(path).resolve(glob).toString() : path;
        return "'" + pattern.replace("'", "''") + "'";
    }
}
