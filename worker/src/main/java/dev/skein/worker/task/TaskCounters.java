package dev.skein.worker.task;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A task's row and batch counters; written by the task thread, read by the status reporter. */
public final class TaskCounters {
    final AtomicLong rowsIn = new AtomicLong();
    final AtomicLong batchesIn = new AtomicLong();
    final AtomicLong rowsOut = new AtomicLong();
    final AtomicLong batchesOut = new AtomicLong();
    final AtomicLong bytesOut = new AtomicLong();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private volatile long threadId = -1;
    private volatile long finalCpuNanos = -1;

    /** The task runs on {@code thread} from now on. */
    void startedOn(Thread thread) {
        threadId = thread.getId();
    }

    /** The task ends; called on its own thread, which keeps its CPU time for later reports. */
    void ended() {
        finalCpuNanos = THREADS.getCurrentThreadCpuTime();
    }

    /** CPU time the task's thread used so far, or 0 before it started. */
    public long cpuNanos() {
        if (finalCpuNanos >= 0) {
            return finalCpuNanos;
        }
        long id = threadId;
        return id < 0 ? 0 : Math.max(0, THREADS.getThreadCpuTime(id));
    }

    void countIn(VectorSchemaRoot batch) {
        rowsIn.addAndGet(batch.getRowCount());
        batchesIn.incrementAndGet();
    }

    void countOut(VectorSchemaRoot batch) {
        rowsOut.addAndGet(batch.getRowCount());
        batchesOut.incrementAndGet();
        long bytes = 0;
        for (FieldVector vector : batch.getFieldVectors()) {
            bytes += vector.getBufferSize();
        }
        bytesOut.addAndGet(bytes);
    }

    /** Sum of all counters, to tell whether anything moved since the last report. */
    long progress() {
        return rowsIn.get() + rowsOut.get() + batchesIn.get() + batchesOut.get();
    }
}
