package dev.skein.coordinator.sql;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.cluster.duckdb.ConnectionInterrupt;
import dev.skein.cluster.flight.sql.ResultStreaming;
import dev.skein.cluster.values.EmptyArrowReader;
import dev.skein.spec.DataRoots;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * One SQL client query over the cluster, on a fresh in-memory DuckDB of its own (one thread,
 * bounded memory, no file access, no ATTACH/INSTALL/LOAD, configuration locked). Only one
 * read-only query is accepted, checked by DuckDB's parser; its {@code system.*} and {@code taps.*}
 * tables are pointed at relations loaded just before it runs (see {@link TableReferences}): the
 * {@code system} tables as {@link ClusterViews} show the cluster now, each tap as a stream DuckDB
 * pulls while it runs, so a {@code LIMIT} stops the tap. One execution per instance; {@link
 * #interrupt} from any thread.
 */
public final class ClusterQuery implements ResultStreaming.BatchQuery, AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String MEMORY_LIMIT = "256MB";

    private final DuckDBConnection connection;
    private final String sql;
    private final TableReferences references;
    private final ClusterViews views;
    private final TapSource taps;
    private final Instant deadline;
    private final List<ArrowArrayStream> registered = new ArrayList<>();
    private final List<ArrowReader> readers = new ArrayList<>();
    private final Object lock = new Object();
    private volatile boolean running;
    private boolean closed;
    private volatile boolean interrupted;
    private Schema resultSchema;

    private ClusterQuery(DuckDBConnection connection, String sql, TableReferences references, ClusterViews views,
            TapSource taps, Instant deadline) {
        this.connection = connection;
        this.sql = sql;
        this.references = references;
        this.views = views;
        this.taps = taps;
        this.deadline = deadline;
    }

    /**
     * Parses {@code query} and points its cluster tables at what it will read.
     *
     * @param deadline when a tap stops feeding the query (the caller interrupts it then too)
     * @throws SkeinException PERMISSION_DENIED for anything but one query, INVALID_ARGUMENT with
     *     DuckDB's message when it does not parse
     */
    public static ClusterQuery open(String query, ClusterViews views, TapSource taps, Instant deadline) {
        requireNonNull(query, "query is null");
        DuckDBConnection connection = connect();
        try {
            JsonNode tree = parse(connection, query);
            TableReferences references = TableReferences.rewrite(tree);
            String rewritten = scalar(connection, "SELECT json_deserialize_sql(?::JSON)", tree.toString());
            return new ClusterQuery(connection, rewritten, references, views, taps, deadline);
        } catch (RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private static DuckDBConnection connect() {
        Properties properties = new Properties();
        properties.setProperty("jdbc_stream_results", "true");
        try {
            DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET threads = 1");
                statement.execute("SET memory_limit = '" + MEMORY_LIMIT + "'");
                // last: they lock the configuration
                for (String setting : DataRoots.none().duckDbConfinement()) {
                    statement.execute(setting);
                }
            } catch (SQLException e) {
                closeQuietly(connection);
                throw e;
            }
            return connection;
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot open DuckDB for a SQL query: " + e.getMessage(), e);
        }
    }

    /** The query's one statement as DuckDB's parse tree. */
    private static JsonNode parse(DuckDBConnection connection, String query) {
        JsonNode json;
        try {
            json = MAPPER.readTree(scalar(connection, "SELECT json_serialize_sql(?::VARCHAR)", query));
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot read DuckDB's parse tree: " + e.getMessage(), e);
        }
        if (json.path("error").asBoolean(false)) {
            if (json.path("error_type").asText().equals("not implemented")) {
                throw new SkeinException(ErrorCode.PERMISSION_DENIED, "the coordinator answers read-only queries only"
                        + " (one SELECT over the system and taps tables); this statement is not a query: "
                        + json.path("error_message").asText());
            }
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "Parser Error: " + json.path("error_message").asText());
        }
        if (json.path("statements").size() != 1) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                    "one query per statement, got " + json.path("statements").size());
        }
        return json;
    }

    /** The SQL that runs: the query with its cluster tables pointed at the loaded relations. */
    String rewrittenSql() {
        return sql;
    }

    /** The result's Arrow schema, found by running the query over empty tables and taps with {@code LIMIT 0}. */
    @Override
    public Schema resultSchema() {
        synchronized (lock) {
            if (resultSchema == null) {
                throw new IllegalStateException("describe() or query() first");
            }
            return resultSchema;
        }
    }

    /** Finds the result's schema without reading the cluster's data. */
    public Schema describe(BufferAllocator allocator) {
        load(allocator, true);
        try (Statement statement = connection.createStatement();
                DuckDBResultSet result = (DuckDBResultSet) statement.executeQuery(
                        "SELECT * FROM (" + sql + "\n) AS skein_query LIMIT 0");
                ArrowReader reader = (ArrowReader) result.arrowExportStream(allocator, 1)) {
            Schema schema = reader.getVectorSchemaRoot().getSchema();
            synchronized (lock) {
                resultSchema = schema;
            }
            return schema;
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot read DuckDB's result: " + e.getMessage(), e);
        } finally {
            release();
        }
    }

    @Override
    public void query(int batchRows, BufferAllocator allocator, ResultStreaming.BatchConsumer consumer)
            throws Exception {
        load(allocator, false);
        try (Statement statement = connection.createStatement()) {
            running = true;
            if (interrupted) {
                throw new SkeinException(ErrorCode.CANCELLED, "the query was interrupted");
            }
            try (DuckDBResultSet result = (DuckDBResultSet) statement.executeQuery(sql);
                    ArrowReader reader = (ArrowReader) result.arrowExportStream(allocator, batchRows)) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                synchronized (lock) {
                    resultSchema = root.getSchema();
                }
                while (reader.loadNextBatch()) {
                    if (root.getRowCount() > 0 && !consumer.accept(root)) {
                        break;
                    }
                }
            }
        } catch (SQLException e) {
            if (interrupted) {
                throw new SkeinException(ErrorCode.CANCELLED, "the query was interrupted", e);
            }
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e);
        } finally {
            running = false;
            release();
        }
    }

    /** Loads the system tables the query reads and registers its taps (empty ones to describe it). */
    private void load(BufferAllocator allocator, boolean empty) {
        try {
            for (String name : references.systemTables()) {
                create(empty ? SystemTables.empty(name) : SystemTables.of(name, views));
            }
            List<StageName> stages = references.taps();
            for (int i = 0; i < stages.size(); i++) {
                ArrowReader reader = empty
                        ? new EmptyArrowReader(allocator, taps.schemaOf(stages.get(i)))
                        : taps.open(stages.get(i), allocator, deadline);
                register(TableReferences.TAP_PREFIX + i, reader, allocator);
            }
        } catch (SQLException e) {
            release();
            throw new SkeinException(ErrorCode.INTERNAL, "cannot load the cluster's tables: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    private void create(SystemTable table) throws SQLException {
        String relation = TableReferences.SYSTEM_PREFIX + table.name();
        String columns = table.columns().stream()
                .map(column -> '"' + column.name() + "\" " + column.type())
                .collect(Collectors.joining(", "));
        String values = table.columns().stream()
                .map(column -> column.type().equals("TIMESTAMP") ? "epoch_ms(?::BIGINT)" : "?::" + column.type())
                .collect(Collectors.joining(", "));
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TEMP TABLE " + relation + " (" + columns + ")");
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + relation + " VALUES (" + values + ")")) {
            for (List<Object> row : table.rows()) {
                for (int i = 0; i < row.size(); i++) {
                    insert.setObject(i + 1, row.get(i));
                }
                insert.execute();
            }
        }
    }

    private void register(String name, ArrowReader reader, BufferAllocator allocator) {
        synchronized (lock) {
            readers.add(reader);
            ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
            registered.add(stream);
            // The stream owns the reader from here: releasing the stream closes it.
            Data.exportArrayStream(allocator, reader, stream);
            connection.registerArrowStream(name, stream);
        }
    }

    /** Releases the registered streams, which closes their readers (taps end at the workers). */
    private void release() {
        synchronized (lock) {
            registered.forEach(ArrowArrayStream::close);
            registered.clear();
            readers.clear();
        }
    }

    /** Ends the query's taps and interrupts what DuckDB runs; the execution fails as interrupted. */
    @Override
    public boolean interrupt() {
        interrupted = true;
        synchronized (lock) {
            for (ArrowReader reader : readers) {
                if (reader instanceof Interruptible) {
                    ((Interruptible) reader).stop();
                }
            }
            // Under the lock: close() waits, so the connection is open while DuckDB is told.
            return !closed && running && ConnectionInterrupt.interrupt(connection);
        }
    }

    /** A reader that can be told to end its stream from another thread. */
    public interface Interruptible {
        void stop();
    }

    @Override
    public void close() {
        release();
        synchronized (lock) {
            closed = true;
            closeQuietly(connection);
        }
    }

    private static String scalar(DuckDBConnection connection, String query, String argument) {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, argument);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getString(1);
            }
        } catch (SQLException e) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT, e.getMessage(), e);
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // A connection that failed to open or run: nothing left to release or report.
        }
    }
}
