package dev.skein.worker.duckdb;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * A chain of SQL stages in this JVM, each stage <em>one</em> long-lived streaming DuckDB query
 * over the previous stage's output: the previous query's Arrow reader is exported as an {@code
 * ArrowArrayStream} and registered once as {@code input} on the next stage's connection. Each
 * stage has its own in-memory database with one DuckDB thread and streamed results, so the whole
 * chain is pulled batch by batch from the last stage, on the calling thread.
 *
 * <p>This is what the same stages cost in DuckDB without per-batch queries; {@code skein bench}
 * uses it as the in-process baseline. Every stage reads the whole stream, so a per-batch stateless
 * stage and a final stage are both just the stage's SQL over {@code input}.
 */
public final class StreamingQueryChain {
    private StreamingQueryChain() {}

    /**
     * Runs {@code sourceSql}, then each of {@code stageSqls} over the previous one's output, and
     * hands the last one's result to {@code consumer} in batches of at most {@code batchRows} rows
     * (each valid only during the call). Everything opened here is closed here.
     *
     * @return the last query's schema and row count
     */
    public static DuckDbSession.QueryResult run(BufferAllocator allocator, String sourceSql, List<String> stageSqls,
            int batchRows, DuckDbSession.BatchConsumer consumer) throws Exception {
        requireNonNull(allocator, "allocator is null");
        requireNonNull(sourceSql, "sourceSql is null");
        List<String> stages = List.copyOf(stageSqls);
        // Closed last-opened first: the consumer's reader, then each stage's result, stream and connection.
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        Throwable failure = null;
        try {
            ArrowReader reader = open(allocator, sourceSql, batchRows, opened, null);
            for (String sql : stages) {
                ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
                opened.push(stream);
                // The stream now owns the reader: DuckDB releases it when its scan is done.
                Data.exportArrayStream(allocator, reader, stream);
                reader = open(allocator, sql, batchRows, opened, stream);
            }
            ArrowReader last = reader;
            opened.push(last::close);
            long rows = 0;
            VectorSchemaRoot root = last.getVectorSchemaRoot();
            Schema schema = root.getSchema();
            while (last.loadNextBatch()) {
                if (root.getRowCount() == 0) {
                    continue;
                }
                rows += root.getRowCount();
                consumer.accept(root);
            }
            return new DuckDbSession.QueryResult(rows, schema);
        } catch (Throwable e) {
            failure = e;
            throw e;
        } finally {
            closeAll(opened, failure);
        }
    }

    /** One stage: its own database and connection, {@code input} registered, its query started. */
    private static ArrowReader open(BufferAllocator allocator, String sql, int batchRows, Deque<AutoCloseable> opened,
            ArrowArrayStream input) throws SQLException {
        Properties properties = new Properties();
        // Without this DuckDB materializes a whole result before handing out the first batch.
        properties.setProperty("jdbc_stream_results", "true");
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
        opened.push(connection);
        try (Statement settings = connection.createStatement()) {
            // One thread: DuckDB then calls the upstream Java reader only from the thread pulling this stage.
            settings.execute("SET threads = 1");
            settings.execute("SET preserve_insertion_order = true");
        }
        if (input != null) {
            connection.registerArrowStream("input", input);
        }
        Statement statement = connection.createStatement();
        opened.push(statement);
        DuckDBResultSet result = (DuckDBResultSet) statement.executeQuery(sql);
        opened.push(result);
        return (ArrowReader) result.arrowExportStream(allocator, batchRows);
    }

    private static void closeAll(Deque<AutoCloseable> opened, Throwable failure) throws Exception {
        Exception first = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw new SkeinException(ErrorCode.INTERNAL, "cannot close a streaming query chain: " + first.getMessage(),
                    first);
        }
    }
}
