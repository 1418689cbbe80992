package dev.skein.worker.duckdb;

import static java.util.Objects.requireNonNull;

import dev.skein.spec.DataRoots;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.duckdb.DuckDBConnection;

/**
 * The worker's in-process DuckDB: one in-memory database, limited in threads and memory, from
 * which each task opens its own connection ({@link DuckDbSession}). Pipelines' SQL runs here, so
 * the database is confined before any of it does (see {@link DuckDbConfinement}): files only
 * inside the data roots, no extension installed or loaded, configuration locked.
 */
public final class DuckDbDatabase implements AutoCloseable {
    private final DuckDBConnection root;
    private final DataRoots dataRoots;
    private volatile boolean closed;

    private DuckDbDatabase(DuckDBConnection root, DataRoots dataRoots) {
        this.root = root;
        this.dataRoots = dataRoots;
    }

    /** A database that reads and writes no file at all. */
    public static DuckDbDatabase open(int threads, String memoryLimit) {
        return open(threads, memoryLimit, DataRoots.none());
    }

    /**
     * @param threads DuckDB worker threads for the whole database
     * @param memoryLimit DuckDB memory limit, e.g. {@code 2GB}
     * @param dataRoots the only directories pipelines' SQL, sources and sinks may touch
     */
    public static DuckDbDatabase open(int threads, String memoryLimit, DataRoots dataRoots) {
        return open(threads, memoryLimit, dataRoots, Optional.empty());
    }

    /**
     * @param threads DuckDB worker threads for the whole database
     * @param memoryLimit DuckDB memory limit, e.g. {@code 2GB}
     * @param dataRoots the only directories pipelines' SQL, sources and sinks may touch
     * @param spill where DuckDB spills past its memory limit; empty: DuckDB's default
     *     ({@code .tmp} in the working directory)
     */
    public static DuckDbDatabase open(int threads, String memoryLimit, DataRoots dataRoots, Optional<Path> spill) {
        requireNonNull(memoryLimit, "memoryLimit is null");
        requireNonNull(dataRoots, "dataRoots is null");
        Properties properties = new Properties();
        // Without this DuckDB materializes a whole result before handing out the first batch.
        properties.setProperty("jdbc_stream_results", "true");
        try {
            DuckDBConnection connection =
                    (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET threads = " + threads);
                statement.execute("SET memory_limit = '" + memoryLimit.replace("'", "") + "'");
                statement.execute("SET preserve_insertion_order = true");
                if (spill.isPresent()) {
                    statement.execute("SET temp_directory = '" + spill.get().toString().replace("'", "''") + "'");
                }
            }
            DuckDbConfinement.apply(connection, dataRoots);
            return new DuckDbDatabase(connection, dataRoots);
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot open DuckDB: " + e.getMessage(), e);
        }
    }

    /** Where sources and sinks may read and write. */
    public DataRoots dataRoots() {
        return dataRoots;
    }

    /** A new connection for one task; the caller closes it. Buffers come from {@code allocator}. */
    public DuckDbSession openSession(BufferAllocator allocator) {
        try {
            return new DuckDbSession(root.duplicate(), allocator);
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot open a DuckDB connection: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            root.close();
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot close DuckDB: " + e.getMessage(), e);
        }
    }
}
