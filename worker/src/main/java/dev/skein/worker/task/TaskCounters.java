package dev.skein.worker.task;

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
