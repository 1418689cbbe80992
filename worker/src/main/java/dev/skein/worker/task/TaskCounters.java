package dev.skein.worker.task;

import dev.skein.worker.exchange.Batches;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A task's row and batch counters; written by the task thread, read by the status reporter. */
public final class TaskCounters {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    final AtomicLong rowsIn = new AtomicLong();
    final AtomicLong batchesIn = new AtomicLong();
    final AtomicLong rowsOut = new AtomicLong();
    final AtomicLong batchesOut = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();
    final AtomicLong fusedRows = new AtomicLong();
    // Task threads are pooled: the thread's CPU time when this task started on it is subtracted,
    // and the total is kept when the task ends, before the thread runs another task.
    private volatile long taskThreadId = -1;
    private volatile long threadCpuAtStart;
    private volatile long finalCpuNanos = -1;

    /** Called by the thread that runs the task, as it starts. */
    void runningOnCurrentThread() {
        threadCpuAtStart = THREADS.getCurrentThreadCpuTime();
        taskThreadId = Thread.currentThread().getId();
    }

    /** Called by the task's thread as the task ends. */
    void ended() {
        finalCpuNanos = Math.max(0, THREADS.getCurrentThreadCpuTime() - threadCpuAtStart);
    }

    /** CPU time of the task's thread while it ran this task; 0 before it started or if unknown. */
    public long cpuNanos() {
        if (finalCpuNanos >= 0) {
            return finalCpuNanos;
        }
        long id = taskThreadId;
        long now = id < 0 ? -1 : THREADS.getThreadCpuTime(id);
        return now < 0 ? 0 : Math.max(0, now - threadCpuAtStart);
    }

    void countIn(VectorSchemaRoot batch) {
        rowsIn.addAndGet(batch.getRowCount());
        batchesIn.incrementAndGet();
    }

    void countOut(VectorSchemaRoot batch) {
        rowsOut.addAndGet(batch.getRowCount());
        batchesOut.incrementAndGet();
        bytesOut.addAndGet(Batches.bytes(batch));
    }

    /**
     * Counts {@code rows} a fused stage emitted without making them ({@link FusedPreAggregation}):
     * as many batches as went in, and bytes at the width of the rows it did make itself.
     */
    void countOutFused(long rows, int batches) {
        long madeRows = rowsOut.get();
        long bytes = madeRows == 0 ? 0 : Math.round((double) bytesOut.get() / madeRows * rows);
        rowsOut.addAndGet(rows);
        fusedRows.addAndGet(rows);
        batchesOut.addAndGet(batches);
        bytesOut.addAndGet(bytes);
    }

    public long rowsIn() {
        return rowsIn.get();
    }

    public long rowsOut() {
        return rowsOut.get();
    }

    public long batchesIn() {
        return batchesIn.get();
    }

    public long batchesOut() {
        return batchesOut.get();
    }

    /** Of {@link #rowsOut}, the rows a fused stage counted without making them. */
    public long fusedRows() {
        return fusedRows.get();
    }

    /** Arrow buffer bytes of the batches emitted. */
    public long bytesOut() {
        return bytesOut.get();
    }

    /** Sum of all counters, to tell whether anything moved since the last report. */
    long progress() {
        return rowsIn.get() + rowsOut.get() + batchesIn.get() + batchesOut.get();
    }
}
