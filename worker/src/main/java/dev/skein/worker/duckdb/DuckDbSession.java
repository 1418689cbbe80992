package dev.skein.worker.duckdb;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.duckdb.ConnectionInterrupt;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * One task's DuckDB connection. Batches go in through the Arrow C Data interface ({@link
 * #register}) and results come out as Arrow batches ({@link #query}): no row is copied into Java
 * objects. Not thread-safe: one task thread uses it.
 *
 * <p>Ownership, settled here once: a registered stream is released after the next query that
 * reads it; a query's reader is closed here after its last batch.
 */
public final class DuckDbSession implements AutoCloseable {
    private static final String STREAM_RELATION = "skein_stream";
    private static final String MATERIALIZE = "CREATE OR REPLACE TEMP TABLE skein_failed AS ";

    private volatile Running running;
    private volatile boolean interrupted;
    /** Held while interrupting and while closing, so an interrupt never reaches a closed connection. */
    private final Object closeLock = new Object();

    private final DuckDBConnection connection;
    private final BufferAllocator allocator;
    private final List<ArrowArrayStream> registered = new ArrayList<>();
    private volatile boolean closed;
    /** Wall time inside statements, the time spent handing their output on excluded; for metrics. */
    private final AtomicLong statementNanos = new AtomicLong();

    DuckDbSession(DuckDBConnection connection, BufferAllocator allocator) {
        this.connection = requireNonNull(connection, "connection is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
    }

    /** Receives query output; the batch is valid only during the call. */
    @FunctionalInterface
    public interface BatchConsumer {
        void accept(VectorSchemaRoot batch) throws Exception;
    }

    /**
     * Makes {@code batch} queryable as the relation {@code name} for the next query. The caller
     * keeps owning {@code batch} and keeps it open until that query has returned.
     */
    public void register(String name, VectorSchemaRoot batch) {
        registerAll(name, batch.getSchema(), List.of(batch));
    }

    /**
     * Makes {@code batches}, in order, queryable as the one relation {@code name} for the next
     * query. The caller keeps owning the batches and keeps them open until that query has returned.
     */
    public void registerAll(String name, Schema schema, List<VectorSchemaRoot> batches) {
        registerReader(name, new BatchListReader(allocator, schema, batches));
    }

    private void registerReader(String name, ArrowReader reader) {
        ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
        registered.add(stream);
        Data.exportArrayStream(allocator, reader, stream);
        connection.registerArrowStream(name, stream);
    }

    /**
     * Creates the temporary table {@code table} from every batch {@code source} yields, in one
     * statement that pulls the batches as DuckDB asks for them.
     *
     * @throws Exception the source's own failure if it failed (not DuckDB's generic stream error)
     */
    public void streamIntoTable(String table, Schema schema, StreamingReader.Source source) throws Exception {
        createFromStream(table, STREAM_RELATION, "SELECT * FROM " + STREAM_RELATION, schema, source);
    }

    /**
     * Creates the temporary table {@code table} as the result of {@code query} over every batch
     * {@code source} yields as the relation {@code input}, in one statement that pulls the batches
     * as DuckDB asks for them. For a query whose result is small next to its input (an
     * aggregation), DuckDB never holds the input.
     *
     * @throws Exception the source's own failure if it failed (not DuckDB's generic stream error)
     */
    public void streamQueryIntoTable(String table, String query, Schema schema, StreamingReader.Source source)
            throws Exception {
        createFromStream(table, "input", query, schema, source);
    }

    private void createFromStream(String table, String relation, String query, Schema schema,
            StreamingReader.Source source) throws Exception {
        StreamingReader reader = new StreamingReader(allocator, schema, source);
        registerReader(relation, reader);
        try {
            execute("CREATE TEMP TABLE " + table + " AS " + query);
        } catch (SQLException e) {
            if (reader.failure().isPresent()) {
                throw reader.failure().get();
            }
            throw e;
        }
    }

    /**
     * Whether {@code sql} treats each row of {@code input} on its own: DuckDB's plan for it is a
     * chain of projections and filters over one scan of {@code input}, and nothing else (no
     * aggregate, window, sort, limit, distinct, join or set operation). Such a query gives the same
     * rows over several batches at once as over each batch alone, in the same order. Asked of the
     * plan DuckDB makes over a registered Arrow stream, as the stage runs, because over an empty
     * table the optimizer drops exactly the operators this looks for.
     *
     * @param sample a batch of the stage's input, still owned by the caller
     */
    public boolean isRowByRow(String sql, VectorSchemaRoot sample) throws SQLException {
        return shape(sql, sample).isRowByRow();
    }

    /**
     * What {@code sql} does with the rows of {@code input}, from DuckDB's plan over {@code sample}
     * as for {@link #isRowByRow}; {@link QueryShape#ONE_ROW_PER_ROW} when it also drops no row.
     */
    public QueryShape shape(String sql, VectorSchemaRoot sample) throws SQLException {
        register("input", sample);
        try (Statement statement = connection.createStatement();
                ResultSet plan = statement.executeQuery("EXPLAIN (FORMAT json) " + sql)) {
            QueryShape shape = QueryShape.OTHER;
            boolean first = true;
            while (plan.next()) {
                QueryShape next = RowByRowPlan.shape(plan.getString(2));
                shape = first || next.compareTo(shape) < 0 ? next : shape;
                first = false;
            }
            return shape;
        } finally {
            releaseRegistered();
        }
    }

    /** Runs a statement without a result (DDL, INSERT, COPY). */
    public void execute(String sql) throws SQLException {
        long startNanos = System.nanoTime();
        try (Statement statement = connection.createStatement()) {
            start(statement, sql);
            statement.execute(sql);
        } finally {
            running = null;
            releaseRegistered();
            statementNanos.addAndGet(System.nanoTime() - startNanos);
        }
    }

    /**
     * Nanoseconds this session spent in DuckDB statements so far, not counting the time its
     * consumers took with the output (that is the next stage's time). Any thread.
     */
    public long statementNanos() {
        return statementNanos.get();
    }

    /**
     * A statement this session is running now.
     *
     * @param sql its text
     * @param sinceMillis wall-clock start
     */
    public record RunningQuery(String sql, long sinceMillis) {}

    private record Running(Statement statement, RunningQuery query) {}

    /** The statement running now, for health checks. Any thread. */
    public Optional<RunningQuery> running() {
        return Optional.ofNullable(running).map(Running::query);
    }

    /**
     * Stops the statement running now, if any, at once (DuckDB checks for it between vectors).
     * Called from another thread when the task is cancelled; the interrupted call fails.
     */
    public void interrupt() {
        // Flag first, then look: a statement starting meanwhile sees the flag (see start()).
        interrupted = true;
        synchronized (closeLock) {
            if (!closed && running != null) {
                ConnectionInterrupt.interrupt(connection);
            }
        }
    }

    /**
     * Runs a query and hands its result to {@code consumer} as Arrow batches of at most {@code
     * batchRows} rows, streamed (DuckDB does not materialize the whole result first).
     *
     * @return the result's schema (known even when it has no rows) and row count
     */
    public QueryResult query(String sql, int batchRows, BatchConsumer consumer) throws Exception {
        long rows = 0;
        long startNanos = System.nanoTime();
        long consumerNanos = 0;
        Schema schema;
        try (Statement statement = connection.createStatement();
                DuckDBResultSet result = (DuckDBResultSet) executeQuery(statement, sql);
                ArrowReader reader = (ArrowReader) result.arrowExportStream(allocator, batchRows)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            schema = root.getSchema();
            while (reader.loadNextBatch()) {
                if (root.getRowCount() == 0) {
                    continue;
                }
                rows += root.getRowCount();
                long handedAt = System.nanoTime();
                consumer.accept(root);
                consumerNanos += System.nanoTime() - handedAt;
            }
        } finally {
            running = null;
            releaseRegistered();
            statementNanos.addAndGet(System.nanoTime() - startNanos - consumerNanos);
        }
        return new QueryResult(rows, schema);
    }

    private ResultSet executeQuery(Statement statement, String sql) throws SQLException {
        start(statement, sql);
        return statement.executeQuery(sql);
    }

    /** Publishes the statement for {@link #interrupt}, then refuses to start if interrupted already. */
    private void start(Statement statement, String sql) throws SQLException {
        running = new Running(statement, new RunningQuery(sql, System.currentTimeMillis()));
        if (interrupted) {
            throw new SQLException("interrupted: the task was cancelled");
        }
    }

    /**
     * What a query produced.
     *
     * @param rows row count
     * @param schema the result's Arrow schema
     */
    public record QueryResult(long rows, Schema schema) {}

    /**
     * DuckDB reports an error raised while it streams Arrow batches only as "Invalid result set";
     * running the same query through plain JDBC surfaces the real message (a cast that failed, and
     * on which value). Called only after a failure, with the same relations registered again.
     *
     * @return DuckDB's message for {@code sql}, or {@code fallback} if the query now succeeds
     */
    public String explainFailure(String sql, String fallback) {
        // Materialized, not streamed: a streamed result loses the message too, and a count(*)
        // would let DuckDB skip the expression that failed.
        // Runs the query again: an interrupt (a cancelled task) must stop it too, and a cancelled
        // task's failure needs no explaining.
        if (interrupted) {
            releaseRegistered();
            return fallback;
        }
        try (Statement statement = connection.createStatement()) {
            String materialize = MATERIALIZE + sql;
            start(statement, materialize);
            statement.execute(materialize);
            statement.execute("DROP TABLE skein_failed");
            return fallback;
        } catch (SQLException e) {
            return withoutMaterialize(e.getMessage());
        } finally {
            running = null;
            releaseRegistered();
        }
    }

    /**
     * DuckDB quotes the statement it ran ({@code LINE 1: CREATE ... AS SELECT ...} and a caret under
     * the error's column): show the user's SQL, with the caret moved back under the same place.
     */
    static String withoutMaterialize(String message) {
        if (message == null) {
            return "";
        }
        String[] lines = message.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int at = lines[i].indexOf(MATERIALIZE);
            if (at < 0) {
                continue;
            }
            lines[i] = lines[i].substring(0, at) + lines[i].substring(at + MATERIALIZE.length());
            if (i + 1 < lines.length && lines[i + 1].matches(" *\\^+ *")
                    && lines[i + 1].indexOf('^') >= at + MATERIALIZE.length()) {
                lines[i + 1] = lines[i + 1].substring(MATERIALIZE.length());
            }
        }
        return String.join("\n", lines);
    }

    private void releaseRegistered() {
        for (ArrowArrayStream stream : registered) {
            stream.close();
        }
        registered.clear();
    }

    @Override
    public void close() throws IOException {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        releaseRegistered();
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IOException("cannot close DuckDB connection: " + e.getMessage(), e);
        }
    }
}
