package dev.skein.worker.task;

import dev.skein.spec.SinkSpec;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.TableStore;
import dev.skein.worker.sink.Sink;
import dev.skein.worker.sink.Sinks;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A last-stage task's sinks. They outlive the task: output is staged while the task runs and
 * committed or aborted later, on the plan thread, when the whole pipeline finished or failed, and a
 * commit is released or undone when the pipeline succeeded or failed. So
 * they have an allocator of their own (a child of the worker's), closed once they are committed or
 * released or aborted. Thread-safe: the task thread writes, the plan thread commits or aborts.
 */
final class TaskSinks {
    private static final Logger log = LoggerFactory.getLogger(TaskSinks.class);

    private final String label;
    private final BufferAllocator allocator;
    // Guarded by this.
    private final List<Sink> sinks = new ArrayList<>();
    private boolean closed;

    private TaskSinks(String label, BufferAllocator allocator) {
        this.label = label;
        this.allocator = allocator;
    }

    static TaskSinks open(
            TaskWiring wiring, BufferAllocator workerAllocator, DuckDbDatabase database, TableStore tables) {
        TaskSinks sinks = new TaskSinks(
                wiring.label(), workerAllocator.newChildAllocator("sinks-" + wiring.key(), 0, Long.MAX_VALUE));
        try {
            for (SinkSpec spec : wiring.sinks()) {
                sinks.add(Sinks.forSpec(spec, database, tables, sinks.allocator, wiring.key(), wiring.parallelism(),
                        wiring.failedEpochs()));
            }
        } catch (RuntimeException e) {
            sinks.abort();
            throw e;
        }
        return sinks;
    }

    private synchronized void add(Sink sink) {
        sinks.add(sink);
    }

    /** Writes {@code batch}, still owned by the caller, to every sink. */
    synchronized void write(VectorSchemaRoot batch) throws Exception {
        for (Sink sink : sinks) {
            sink.write(batch);
        }
    }

    /** End of output: the staged output is complete. */
    synchronized void finish(Schema schema) throws Exception {
        for (Sink sink : sinks) {
            sink.finish(schema);
        }
    }

    /**
     * Moves the staged output into place. What it replaces is kept until {@link #release()} (the
     * pipeline succeeded) or {@link #abort()} (it did not: another task failed to commit, say), so a
     * stage's commit is all-or-nothing across its tasks.
     */
    synchronized void commit() throws Exception {
        for (Sink sink : sinks) {
            sink.commit();
        }
    }

    /** The pipeline succeeded: drops what the commit kept to undo it, and frees everything. */
    synchronized void release() {
        sinks.forEach(Sink::release);
        close();
    }

    /** Drops the staged output, undoes a commit, and frees everything. Idempotent; never throws. */
    synchronized void abort() {
        sinks.forEach(Sink::abort);
        close();
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        sinks.forEach(Sink::close);
        sinks.clear();
        long leaked = allocator.getAllocatedMemory();
        try {
            AutoCloseables.close(allocator);
        } catch (Exception e) {
            log.error("the sinks of {} leaked {} bytes of Arrow memory", label, leaked, e);
        }
    }
}
