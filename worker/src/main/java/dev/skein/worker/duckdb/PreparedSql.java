package dev.skein.worker.duckdb;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.duckdb.ConnectionInterrupt;
import dev.skein.cluster.flight.sql.ResultStreaming;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * A SQL client's prepared statement over the table database, on a DuckDB connection of its own:
 * a query (one SELECT, checked by DuckDB's parser) or, when writes are allowed, one statement that
 * changes data. Parameters come in as a row of an Arrow batch; results go out as Arrow batches
 * (DuckDB's {@code arrowExportStream}, no row objects). One call at a time (the methods are
 * synchronized); {@link #interrupt} from any thread.
 */
public final class PreparedSql implements ResultStreaming.BatchQuery, AutoCloseable {
    private final DuckDBConnection connection;
    private final PreparedStatement statement;
    private final String sql;
    private final boolean query;
    private final Schema resultSchema;
    private final Schema parameterSchema;
    private final Object closeLock = new Object();
    private volatile boolean running;
    private volatile boolean interrupted;
    private boolean closed;
    /** The values bound now, to run the statement again when its streamed result failed. */
    private final List<Object> bound = new ArrayList<>();

    private PreparedSql(DuckDBConnection connection, PreparedStatement statement, String sql, boolean query,
            Schema resultSchema, Schema parameterSchema) {
        this.connection = connection;
        this.statement = statement;
        this.sql = sql;
        this.query = query;
        this.resultSchema = resultSchema;
        this.parameterSchema = parameterSchema;
    }

    static PreparedSql prepare(DuckDBConnection root, String sql, boolean writesAllowed, BufferAllocator allocator) {
        requireNonNull(sql, "sql is null");
        boolean query = ReadOnlySql.isOneQuery(root, sql);
        if (!query) {
            if (!writesAllowed) {
                throw new SkeinException(ErrorCode.PERMISSION_DENIED, "this worker serves read-only SQL: only one"
                        + " SELECT (or VALUES, DESCRIBE, SHOW) per statement; start it with --allow-sql-writes to"
                        + " let SQL clients change its tables");
            }
            WriteSql.check(sql);
        }
        DuckDBConnection connection = null;
        PreparedStatement statement = null;
        try {
            connection = (DuckDBConnection) root.duplicate();
            statement = connection.prepareStatement(sql);
            int parameters = statement.getParameterMetaData().getParameterCount();
            List<String> types = new ArrayList<>();
            for (int i = 1; i <= parameters; i++) {
                String type = statement.getParameterMetaData().getParameterTypeName(i);
                types.add(type == null || type.equals("INVALID") || type.equals("UNKNOWN") ? "VARCHAR" : type);
            }
            Schema parameterSchema = parameterSchema(connection, types, allocator);
            Schema resultSchema = query ? resultSchema(connection, sql, parameters, allocator) : new Schema(List.of());
            return new PreparedSql(connection, statement, sql, query, resultSchema, parameterSchema);
        } catch (SQLException e) {
            closeQuietly(statement, connection);
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(statement, connection);
            throw e;
        }
    }

    /** Parameter types as DuckDB inferred them, as Arrow types (as DuckDB exports a NULL of each). */
    private static Schema parameterSchema(DuckDBConnection connection, List<String> types, BufferAllocator allocator)
            throws SQLException {
        if (types.isEmpty()) {
            return new Schema(List.of());
        }
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            columns.add("CAST(NULL AS " + types.get(i) + ") AS " + TableCatalog.identifier("parameter_" + (i + 1)));
        }
        try (Statement statement = connection.createStatement()) {
            return schemaOf(statement.executeQuery("SELECT " + String.join(", ", columns) + " LIMIT 0"), allocator);
        }
    }

    /** The query's result schema: the query itself with NULL parameters and no rows. */
    private static Schema resultSchema(DuckDBConnection connection, String sql, int parameters,
            BufferAllocator allocator) throws SQLException {
        try (PreparedStatement empty = connection.prepareStatement(
                "SELECT * FROM (" + body(sql) + "\n) AS skein_query LIMIT 0")) {
            for (int i = 1; i <= parameters; i++) {
                empty.setObject(i, null);
            }
            return schemaOf(empty.executeQuery(), allocator);
        }
    }

    /** The statement without trailing semicolons, to nest it in another. */
    private static String body(String sql) {
        String body = sql.strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        return body;
    }

    private static Schema schemaOf(ResultSet resultSet, BufferAllocator allocator) throws SQLException {
        try (DuckDBResultSet result = (DuckDBResultSet) resultSet;
                ArrowReader reader = (ArrowReader) result.arrowExportStream(allocator, 1)) {
            return reader.getVectorSchemaRoot().getSchema();
        } catch (SQLException e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    /** Whether it returns rows (a query) rather than a count of changed rows. */
    public boolean isQuery() {
        return query;
    }

    /** The result's Arrow schema; no fields for a statement that changes data. */
    @Override
    public Schema resultSchema() {
        return resultSchema;
    }

    /** The parameters' Arrow types, in order. */
    public Schema parameterSchema() {
        return parameterSchema;
    }

    /**
     * Binds row {@code row} of {@code parameters} (still owned by the caller) for the next
     * execution, checked against the parameter count.
     */
    public synchronized void bind(VectorSchemaRoot parameters, int row) {
        List<FieldVector> vectors = parameters.getFieldVectors();
        if (vectors.size() != parameterSchema.getFields().size()) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the statement takes "
                    + parameterSchema.getFields().size() + " parameters, got " + vectors.size());
        }
        try {
            bound.clear();
            for (int i = 0; i < vectors.size(); i++) {
                Object value = value(vectors.get(i), row);
                statement.setObject(i + 1, value);
                bound.add(value);
            }
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "cannot bind parameter: " + e.getMessage(), e);
        }
    }

    /** The value DuckDB's driver takes for one Arrow cell. */
    private static Object value(FieldVector vector, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        Object value = vector.getObject(row);
        if (value instanceof Text text) {
            return text.toString();
        }
        if (vector instanceof DateDayVector) {
            return LocalDate.ofEpochDay((Integer) value);
        }
        if (vector instanceof TimeStampVector timestamps
                && vector.getField().getType() instanceof ArrowType.Timestamp type
                && type.getTimezone() != null) {
            long raw = timestamps.get(row);
            java.time.Instant instant = switch (type.getUnit()) {
                case SECOND -> java.time.Instant.ofEpochSecond(raw);
                case MILLISECOND -> java.time.Instant.ofEpochMilli(raw);
                case MICROSECOND -> java.time.Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000L),
                        Math.floorMod(raw, 1_000_000L) * 1_000L);
                case NANOSECOND -> java.time.Instant.ofEpochSecond(Math.floorDiv(raw, 1_000_000_000L),
                        Math.floorMod(raw, 1_000_000_000L));
            };
            return instant.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof BigDecimal || value instanceof Number || value instanceof Boolean
                || value instanceof byte[] || value instanceof java.time.LocalDateTime) {
            return value;
        }
        return value.toString();
    }

    /** Runs the query with the bound parameters, streaming batches of at most {@code batchRows} rows. */
    @Override
    public synchronized void query(int batchRows, BufferAllocator allocator, ResultStreaming.BatchConsumer consumer) throws Exception {
        if (!query) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the statement changes data and returns no rows;"
                    + " execute it as an update");
        }
        interrupted = false;
        running = true;
        try (DuckDBResultSet result = (DuckDBResultSet) statement.executeQuery();
                ArrowReader reader = (ArrowReader) result.arrowExportStream(allocator, batchRows)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            while (reader.loadNextBatch()) {
                if (root.getRowCount() > 0 && !consumer.accept(root)) {
                    interrupt();
                    break;
                }
            }
        } catch (SQLException e) {
            if (interrupted) {
                throw new SkeinException(ErrorCode.CANCELLED, "the statement was interrupted", e);
            }
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, explainFailure(e), e);
        } finally {
            running = false;
        }
    }

    /**
     * DuckDB reports an error raised while it streams Arrow batches only as "Invalid result set";
     * the same query materialized, with the same parameters, surfaces the real message (a cast
     * that failed, and on which value).
     */
    private String explainFailure(SQLException failure) {
        if (!String.valueOf(failure.getMessage()).contains("Invalid result set")) {
            return failure.getMessage();
        }
        try (PreparedStatement again = connection.prepareStatement(
                "CREATE OR REPLACE TEMP TABLE skein_failed AS SELECT * FROM (" + body(sql) + "\n) AS skein_query")) {
            for (int i = 0; i < bound.size(); i++) {
                again.setObject(i + 1, bound.get(i));
            }
            running = true;
            again.execute();
            try (Statement drop = connection.createStatement()) {
                drop.execute("DROP TABLE skein_failed");
            }
            return failure.getMessage();
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    /** Runs the statement that changes data with the bound parameters; the rows it changed. */
    public synchronized long update() {
        if (query) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "the statement is a query; execute it as a query");
        }
        interrupted = false;
        running = true;
        try {
            return statement.executeLargeUpdate();
        } catch (SQLException e) {
            if (interrupted) {
                throw new SkeinException(ErrorCode.CANCELLED, "the statement was interrupted", e);
            }
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e);
        } finally {
            running = false;
        }
    }

    /** Stops the running execution, if any; it fails. Any thread. */
    @Override
    public boolean interrupt() {
        synchronized (closeLock) {
            if (closed || !running) {
                return false;
            }
            interrupted = true;
            return ConnectionInterrupt.interrupt(connection);
        }
    }

    /** Interrupts a running execution, waits for it to end, then closes the connection. */
    @Override
    public void close() {
        interrupt();
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        synchronized (this) {
            closeQuietly(statement, connection);
        }
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    // Closing a statement or connection that failed: nothing left to release or report.
                }
            }
        }
    }
}
