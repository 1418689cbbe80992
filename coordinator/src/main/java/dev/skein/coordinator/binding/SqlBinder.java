package dev.skein.coordinator.binding;

import static java.util.Objects.requireNonNull;

import dev.skein.spec.InvalidSpecException;
import dev.skein.spec.PipelineSpec;
import java.sql.SQLException;

/**
 * Binds a pipeline's SQL in DuckDB without reading data: the source's query or files, then every
 * stage's SQL against an empty {@code input} holding exactly its upstream's columns. Used by the
 * coordinator on submit and by {@code skein validate}, so both reject the same pipelines with the
 * same {@code file:line:col} problems.
 *
 * <p>Holds one in-memory DuckDB connection (one thread, small memory limit). Thread-safe: calls
 * are serialized on this object.
 */
public final class SqlBinder implements AutoCloseable {
    private final InMemoryDuckDb duckDb;

    // guarded by this
    private boolean closed;

    private SqlBinder(InMemoryDuckDb duckDb) {
        this.duckDb = duckDb;
    }

    /**
     * Opens the in-memory DuckDB; close the binder to release it.
     *
     * @throws IllegalStateException if DuckDB cannot start
     */
    public static SqlBinder open() {
        try {
            return new SqlBinder(InMemoryDuckDb.open());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open an in-memory DuckDB to bind SQL: " + e.getMessage(), e);
        }
    }

    /**
     * Binds the source and every stage, in order. A stage after one that failed to bind is not
     * bound (its problems would only repeat the first).
     *
     * @return the columns along every edge
     * @throws InvalidSpecException with every problem found, sorted by location
     * @throws IllegalStateException if the binder is closed, or DuckDB fails on something other
     *     than the pipeline's SQL
     */
    public synchronized BoundPipeline bind(PipelineSpec spec) {
        requireNonNull(spec, "spec is null");
        if (closed) {
            throw new IllegalStateException("the SQL binder is closed");
        }
        try {
            return new PipelineBinding(duckDb, spec).bind();
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB failed while binding pipeline '" + spec.name() + "': "
                    + e.getMessage(), e);
        }
    }

    /** Closes the DuckDB connection; later calls do nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            duckDb.close();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot close the SQL binder's DuckDB: " + e.getMessage(), e);
        }
    }
}
