package dev.skein.worker.flight;

import dev.skein.cluster.TapTicket;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.tap.TapHub;
import dev.skein.worker.tap.TapSubscription;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Streams a task's output to one tap client. The task never waits for the client: batches the
 * client is too slow for are dropped for it (see {@link TapSubscription}), and every batch sent
 * carries app metadata {@code {"dropped": N}} when the count changed. A client that stops reading
 * for {@link #STALL_MILLIS} is ended.
 */
final class TapStreamer {
    static final long STALL_MILLIS = 10_000;
    private static final long SCHEMA_WAIT_MILLIS = 30_000;
    private static final long POLL_MILLIS = 100;

    private TapStreamer() {}

    /** Waits (bounded) for the task's output schema: it is known once the first batch left. */
    static Schema awaitSchema(TapHub hub) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SCHEMA_WAIT_MILLIS);
        while (hub.schema() == null) {
            if (System.nanoTime() > deadline) {
                throw new SkeinException(ErrorCode.NOT_FOUND, "the task has produced no output yet");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return hub.schema();
    }

    static void stream(TapHub hub, TapTicket ticket, BufferAllocator allocator, ServerStreamListener listener)
            throws InterruptedException {
        TapSubscription subscription = hub.subscribe();
        try (VectorSchemaRoot root = VectorSchemaRoot.create(awaitSchema(hub), allocator)) {
            listener.setUseZeroCopy(true);
            listener.start(root);
            long rows = 0;
            long reportedDropped = 0;
            while (!listener.isCancelled() && (ticket.follow() || rows < ticket.limit())) {
                Optional<ArrowRecordBatch> next = subscription.poll(POLL_MILLIS);
                if (next.isEmpty()) {
                    if (subscription.isEnded()) {
                        break;
                    }
                    continue;
                }
                try (ArrowRecordBatch batch = next.get()) {
                    if (!awaitReady(listener)) {
                        listener.error(CallStatus.CANCELLED
                                .withDescription("tap ended: the client read nothing for " + STALL_MILLIS + " ms")
                                .toRuntimeException());
                        return;
                    }
                    new VectorLoader(root).load(batch);
                    if (!ticket.follow() && rows + root.getRowCount() > ticket.limit()) {
                        root.setRowCount((int) (ticket.limit() - rows));
                    }
                    rows += root.getRowCount();
                    long dropped = subscription.dropped();
                    if (dropped != reportedDropped) {
                        reportedDropped = dropped;
                        putWithMetadata(listener, allocator, "{\"dropped\":" + dropped + "}");
                    } else {
                        listener.putNext();
                    }
                    root.clear();
                }
            }
            listener.completed();
        } finally {
            hub.unsubscribe(subscription);
        }
    }

    private static void putWithMetadata(ServerStreamListener listener, BufferAllocator allocator, String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ArrowBuf metadata = allocator.buffer(bytes.length);
        metadata.writeBytes(bytes);
        // putNext takes ownership of the metadata buffer.
        listener.putNext(metadata);
    }

    private static boolean awaitReady(ServerStreamListener listener) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STALL_MILLIS);
        while (!listener.isReady()) {
            if (listener.isCancelled() || System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }
}
