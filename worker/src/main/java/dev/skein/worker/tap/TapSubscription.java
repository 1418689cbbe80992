package dev.skein.worker.tap;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * One tap client's view of a task's output: a small bounded queue. The task never waits for it:
 * when the queue is full the batch is dropped for this tap only and counted. Thread-safe.
 */
public final class TapSubscription implements AutoCloseable {
    /** Small on purpose: a tap sees recent data, it does not buffer the stream. */
    static final int CAPACITY = 8;

    private final BlockingQueue<ArrowRecordBatch> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean ended;
    private volatile boolean closed;

    /**
     * Offers a batch the subscription now owns; dropped (and closed) if the queue is full.
     *
     * @return false if it was dropped
     */
    boolean offer(ArrowRecordBatch batch) {
        // Synchronized with close(): a batch offered while the tap closes would otherwise land in
        // the queue after close() drained it, and its buffers would stay held by the worker.
        synchronized (queue) {
            return offerLocked(batch);
        }
    }

    private boolean offerLocked(ArrowRecordBatch batch) {
        if (closed || !queue.offer(batch)) {
            batch.close();
            dropped.incrementAndGet();
            return false;
        }
        return true;
    }

    /** The task's output ended (finished, failed or cancelled). */
    void end() {
        ended = true;
    }

    /**
     * The next batch, owned by the caller, or empty after {@code timeoutMillis} or once the task
     * ended and everything queued was taken.
     */
    public Optional<ArrowRecordBatch> poll(long timeoutMillis) throws InterruptedException {
        ArrowRecordBatch batch = queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        return Optional.ofNullable(batch);
    }

    public boolean isEnded() {
        return ended && queue.isEmpty();
    }

    /** Batches dropped so far because this tap was slower than the stage. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        List<ArrowRecordBatch> left = new ArrayList<>();
        synchronized (queue) {
            closed = true;
            queue.drainTo(left);
        }
        left.forEach(ArrowRecordBatch::close);
    }
}
