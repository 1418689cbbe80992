package dev.skein.worker.task;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches waiting for a stage task, fed by one thread per upstream {@code DoExchange}
 * stream. Bounded: a full inbox blocks the feeding stream, which stops reading from gRPC, whose
 * flow-control window then fills and stops the upstream task. That is the backpressure chain.
 * Thread-safe.
 */
public final class TaskInbox {
    /** Enough to overlap receiving with DuckDB work, small enough to bound memory. */
    static final int CAPACITY = 4;

    private static final long POLL_MILLIS = 100;

    private sealed interface Item permits Batch, End, Failure {}

    private record Batch(VectorSchemaRoot root, CompletableFuture<Boolean> taken) implements Item {}

    private record End(int from) implements Item {}

    private record Failure(SkeinException cause) implements Item {}

    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final int upstreams;
    private final boolean[] ended;
    private int endedCount;
    private volatile Schema schema;
    private volatile boolean closed;

    /** @param upstreams how many upstream tasks will each send one stream */
    public TaskInbox(int upstreams) {
        this.upstreams = upstreams;
        this.ended = new boolean[upstreams];
    }

    /** Records the input schema (streams announce it even when they carry no batch). */
    public void offerSchema(Schema streamSchema) {
        if (schema == null) {
            schema = streamSchema;
        }
    }

    public Optional<Schema> schema() {
        return Optional.ofNullable(schema);
    }

    /**
     * Hands a batch to the task, blocking while the inbox is full. Ownership of {@code batch}
     * passes to the inbox in every case (it is closed here if the task has gone).
     *
     * @return false if the task has gone and the sender should stop
     */
    public boolean put(VectorSchemaRoot batch) {
        return enqueue(new Batch(batch, null));
    }

    /**
     * Like {@link #put}, and the returned future tells whether the task took the batch (true) or
     * the inbox was closed with the batch still in it (false): an ingest writer is acknowledged
     * only for batches the task really took.
     */
    public CompletableFuture<Boolean> putTracked(VectorSchemaRoot batch) {
        CompletableFuture<Boolean> taken = new CompletableFuture<>();
        if (!enqueue(new Batch(batch, taken))) {
            taken.complete(false);
        }
        return taken;
    }

    /** Marks the stream from upstream task {@code from} as complete. */
    public void upstreamFinished(int from) {
        enqueue(new End(from));
    }

    /** Ends the input no matter how many streams ended (an ingest source was told to finish). */
    public void finishAll() {
        for (int from = 0; from < upstreams; from++) {
            upstreamFinished(from);
        }
    }

    /** Fails the task: an upstream stream broke. */
    public void fail(SkeinException cause) {
        enqueue(new Failure(cause));
    }

    private boolean enqueue(Item item) {
        try {
            while (!closed) {
                if (queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    if (closed) {
                        drain();
                    }
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (item instanceof Batch batch) {
            batch.root().close();
        }
        return false;
    }

    /**
     * The next batch, owned by the caller from now on; empty at end of input (every upstream
     * finished).
     *
     * @throws SkeinException if an upstream stream failed or the inbox was closed
     */
    public Optional<VectorSchemaRoot> take() throws InterruptedException {
        while (endedCount < upstreams) {
            if (closed) {
                throw new SkeinException(ErrorCode.CANCELLED, "task inbox closed");
            }
            Item item = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (item == null) {
                continue;
            }
            if (item instanceof Batch batch) {
                if (batch.taken() != null) {
                    batch.taken().complete(true);
                }
                return Optional.of(batch.root());
            } else if (item instanceof Failure failure) {
                throw failure.cause();
            } else if (item instanceof End end
                    && end.from() >= 0
                    && end.from() < upstreams
                    && !ended[end.from()]) {
                ended[end.from()] = true;
                endedCount++;
            }
        }
        return Optional.empty();
    }

    /** Stops accepting batches and frees the queued ones. Idempotent. */
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        List<Item> left = new ArrayList<>();
        queue.drainTo(left);
        for (Item item : left) {
            if (item instanceof Batch batch) {
                batch.root().close();
                if (batch.taken() != null) {
                    batch.taken().complete(false);
                }
            }
        }
    }
}
