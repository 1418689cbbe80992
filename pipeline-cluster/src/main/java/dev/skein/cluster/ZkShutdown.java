package dev.skein.cluster;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.RetryPolicy;
import org.apache.curator.RetrySleeper;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Curator's retry policy for one node, which knows when the node is shutting down. Until then
 * Curator retries as usual; from then on no operation is retried, and writes are best effort
 * within a budget (see {@link #mayWrite}), so a node whose ZooKeeper is gone stops in seconds
 * instead of backing off for minutes per write. Thread-safe.
 */
final class ZkShutdown implements RetryPolicy {
    private static final long NOT_CLOSING = Long.MAX_VALUE;

    private final RetryPolicy running = new ExponentialBackoffRetry(100, 10, 2_000);
    private final AtomicLong deadlineNanos = new AtomicLong(NOT_CLOSING);

    /** From now on nothing is retried, and writes stop after {@code budget}; later calls keep the first deadline. */
    void begin(Duration budget) {
        deadlineNanos.compareAndSet(NOT_CLOSING, System.nanoTime() + budget.toNanos());
    }

    boolean closing() {
        return deadlineNanos.get() != NOT_CLOSING;
    }

    /**
     * Whether a write should be tried now: always while running; while closing only within the
     * budget and while connected (waiting for a connection is what would hang the shutdown).
     */
    boolean mayWrite(boolean connected) {
        long deadline = deadlineNanos.get();
        return deadline == NOT_CLOSING || (connected && System.nanoTime() - deadline < 0);
    }

    @Override
    public boolean allowRetry(int retryCount, long elapsedTimeMs, RetrySleeper sleeper) {
        return !closing() && running.allowRetry(retryCount, elapsedTimeMs, sleeper);
    }

    @Override
    public boolean allowRetry(Throwable exception) {
        return !closing() && running.allowRetry(exception);
    }
}
