package dev.skein.worker.task;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.exchange.Batches;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The partial half of a split {@code final} stage ({@link dev.skein.cluster.PreAggregation}), run
 * by each task of the stage before it: every batch the task emits goes, copied, to one long DuckDB
 * statement that aggregates the whole output as it arrives (on its own thread and connection, so
 * the stage's own query and the aggregation overlap); at end of output the task sends only the
 * partial rows downstream. The stage's taps, sinks and counters still see its own output.
 *
 * <p>Used by the task thread ({@link #accept}, {@link #finish}, {@link #close}); {@link #interrupt}
 * from any thread. The queue between the two threads is bounded: a slow aggregation holds the task
 * back, as a slow receiver would.
 */
final class PartialAggregation implements AutoCloseable {
    private static final int QUEUE_CAPACITY = 4;
    private static final long POLL_MILLIS = 50;
    private static final String TABLE = "skein_partial";

    private final DuckDbSession session;
    private final BufferAllocator allocator;
    private final String sql;
    private final int batchRows;
    private final String label;
    private final BlockingQueue<Optional<VectorSchemaRoot>> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private Thread thread;
    private volatile Exception failure;
    private volatile boolean stopped;

    /**
     * @param session a DuckDB connection of its own, closed with this
     * @param allocator where the copies of emitted batches live (the task's)
     * @param sql the partial aggregation over {@code input}
     * @param label the task, for messages
     */
    PartialAggregation(DuckDbSession session, BufferAllocator allocator, String sql, int batchRows, String label) {
        this.session = requireNonNull(session, "session is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.batchRows = batchRows;
        this.label = requireNonNull(label, "label is null");
    }

    /** Takes one output batch of the stage (still owned by the caller). */
    void accept(VectorSchemaRoot batch) throws Exception {
        acceptOwned(Batches.copy(batch, allocator));
    }

    /** Takes one batch whose ownership moves here, even when this throws. */
    void acceptOwned(VectorSchemaRoot batch) throws Exception {
        try {
            if (thread == null) {
                start(batch.getSchema());
            }
            hand(Optional.of(batch));
        } catch (Exception e) {
            batch.close();
            throw e;
        }
    }

    /** Whether any batch came, so that {@link #finish} has rows of its own to emit. */
    boolean started() {
        return thread != null;
    }

    /**
     * End of the stage's output: waits for the aggregation and emits its rows.
     *
     * @param outputSchema the stage's output schema, for an output without batches
     * @return the partial rows' schema
     */
    Schema finish(Schema outputSchema, DuckDbSession.BatchConsumer out) throws Exception {
        if (thread == null) {
            start(outputSchema);
        }
        hand(Optional.empty());
        thread.join();
        rethrowFailure();
        Schema schema = session.query("SELECT * FROM " + TABLE, batchRows, out).schema();
        session.execute("DROP TABLE " + TABLE);
        return schema;
    }

    /** Stops the aggregation at once (the task was cancelled). Any thread. */
    void interrupt() {
        stopped = true;
        session.interrupt();
    }

    private void start(Schema schema) {
        thread = new Thread(() -> aggregate(schema), Thread.currentThread().getName() + "-preaggregate");
        thread.setDaemon(true);
        thread.start();
    }

    private void aggregate(Schema schema) {
        try {
            session.streamQueryIntoTable(TABLE, sql, schema, this::next);
        } catch (Exception e) {
            failure = e;
        }
    }

    /** DuckDB's pull (any DuckDB thread): the next copy, or empty at end; gives up once stopped. */
    private Optional<VectorSchemaRoot> next() throws InterruptedException {
        while (true) {
            if (stopped) {
                throw new SkeinException(ErrorCode.CANCELLED, label + " was cancelled");
            }
            Optional<VectorSchemaRoot> item = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (item != null) {
                return item;
            }
        }
    }

    /** Puts an item in the queue, waiting while it is full, unless the aggregation failed or stopped. */
    private void hand(Optional<VectorSchemaRoot> item) throws Exception {
        while (!queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            rethrowFailure();
            if (stopped || !thread.isAlive()) {
                throw new SkeinException(ErrorCode.CANCELLED, label + ": the pre-aggregation stopped");
            }
        }
    }

    private void rethrowFailure() {
        Exception failed = failure;
        if (failed instanceof SkeinException skein) {
            throw skein;
        }
        if (failed != null) {
            throw new SkeinException(ErrorCode.STAGE_FAILED,
                    label + ": pre-aggregation for the next stage failed: " + failed.getMessage(), failed);
        }
    }

    /** Stops the aggregation if it still runs, frees what waits in the queue, closes the connection. */
    @Override
    public void close() throws Exception {
        if (thread != null && thread.isAlive()) {
            interrupt();
            thread.join();
        }
        Optional<VectorSchemaRoot> left;
        while ((left = queue.poll()) != null) {
            left.ifPresent(VectorSchemaRoot::close);
        }
        session.close();
    }
}
