package dev.skein.worker.tap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Where a task publishes its output for taps. With no subscriber, publishing costs one volatile
 * read. A subscriber gets the batch's buffers re-accounted to the taps' allocator (shared, not
 * copied), so the task can free its own allocator while a tap still holds a batch. Thread-safe.
 */
public final class TapHub {
    private final BufferAllocator tapAllocator;
    private final List<TapSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile Schema schema;
    private volatile boolean ended;
    /** Whether a tap is open now. Any thread. */
    public boolean isTapped() {
        return !subscriptions.isEmpty();
    }

    /** Batches lost by taps that fell behind, over every tap this task had; for metrics. */
    private final LongAdder dropped = new LongAdder();

    public TapHub(BufferAllocator tapAllocator) {
        this.tapAllocator = tapAllocator;
    }

    /** Called by the task thread for every output batch; never blocks. */
    public void publish(VectorSchemaRoot batch) {
        if (schema == null) {
            schema = batch.getSchema();
        }
        if (subscriptions.isEmpty()) {
            return;
        }
        try (ArrowRecordBatch source = new VectorUnloader(batch).getRecordBatch()) {
            for (TapSubscription subscription : subscriptions) {
                if (!subscription.offer(shareInto(source))) {
                    dropped.increment();
                }
            }
        }
    }

    private ArrowRecordBatch shareInto(ArrowRecordBatch source) {
        List<ArrowBuf> buffers = new ArrayList<>(source.getBuffers().size());
        for (ArrowBuf buffer : source.getBuffers()) {
            buffers.add(buffer.getReferenceManager().retain(buffer, tapAllocator));
        }
        // The new batch takes over the references just made (retainBuffers = false).
        return new ArrowRecordBatch(source.getLength(), source.getNodes(), buffers, source.getBodyCompression(),
                true, false);
    }

    /** Batches taps of this task lost because they fell behind. Any thread. */
    public long dropped() {
        return dropped.sum();
    }

    /** Output schema, once the task emitted a batch (or announced its schema at the end). */
    public Schema schema() {
        return schema;
    }

    /** A new tap on the output from now on; the caller closes it. */
    public TapSubscription subscribe() {
        TapSubscription subscription = new TapSubscription();
        subscriptions.add(subscription);
        if (ended) {
            subscription.end();
        }
        return subscription;
    }

    public void unsubscribe(TapSubscription subscription) {
        subscriptions.remove(subscription);
        subscription.close();
    }

    /** The task's output ended; taps drain what they have and stop. */
    public void end(Schema finalSchema) {
        if (schema == null) {
            schema = finalSchema;
        }
        ended = true;
        subscriptions.forEach(TapSubscription::end);
    }
}
