package dev.skein.worker.exchange;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An edge between two tasks of this process: batches go straight into the receiver's inbox, with
 * no Flight encoding. The inbox is bounded, so backpressure works as over Flight.
 */
public final class LocalChannel implements OutputChannel {
    private final TaskInbox inbox;
    private final BufferAllocator allocator;
    private final int from;
    private final TaskAddress target;
    private boolean completed;

    private LocalChannel(TaskInbox inbox, BufferAllocator allocator, int from, TaskAddress target) {
        this.inbox = inbox;
        this.allocator = allocator;
        this.from = from;
        this.target = target;
    }

    /**
     * Announces the sender to the receiver's inbox.
     *
     * @param allocator the sending task's allocator, where batches are copied before they go
     */
    public static LocalChannel open(
            TaskInbox inbox, BufferAllocator allocator, int from, Schema schema, TaskAddress target) {
        requireNonNull(inbox, "inbox is null");
        inbox.open(from, schema);
        return new LocalChannel(inbox, requireNonNull(allocator, "allocator is null"), from, target);
    }

    /**
     * Copies the batch once (its buffers may be DuckDB's, freed when the sender's next batch is
     * read; a memory copy costs far less than Flight's encode and decode), and hands the copy over.
     */
    @Override
    public void send(VectorSchemaRoot batch) {
        boolean taken;
        try (VectorSchemaRoot copy = Batches.copy(batch, allocator)) {
            taken = inbox.put(copy);
        }
        if (!taken) {
            throw new SkeinException(ErrorCode.CANCELLED, target + " is no longer running");
        }
    }

    @Override
    public void complete() {
        inbox.finished(from);
        completed = true;
    }

    @Override
    public void close() {
        if (!completed) {
            inbox.fail(new SkeinException(ErrorCode.CANCELLED, "upstream task " + from + " stopped"));
        }
    }
}
