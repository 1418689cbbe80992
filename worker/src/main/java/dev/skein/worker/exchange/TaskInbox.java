package dev.skein.worker.exchange;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The batches waiting for a stage task, fed by one thread per sender (an upstream task's {@code
 * DoExchange} stream, a co-located task, or ingest writers). Bounded: a full inbox blocks the
 * feeding thread, which stops reading from gRPC, whose flow-control window then fills and stops
 * the sender. That is the backpressure chain.
 *
 * <p>Memory follows ownership: every batch is moved into the task's allocator as it enters, so
 * the task's leak check covers what waits here. Closing the inbox waits for feeding threads to
 * leave before it frees what is queued, so no batch is moved into an allocator about to close.
 * Thread-safe.
 */
public final class TaskInbox {
    /** Batches of headroom by default: enough to overlap receiving with DuckDB work. */
    public static final int DEFAULT_CAPACITY = 16;

    private static final long POLL_MILLIS = 50;

    private sealed interface Item permits Batch, End, Failure {}

    private record Batch(VectorSchemaRoot root, CompletableFuture<Boolean> taken) implements Item {}

    private record End(int from) implements Item {}

    private record Failure(SkeinException cause) implements Item {}

    private final String task;
    private final BufferAllocator allocator;
    private final BlockingQueue<Item> queue;
    private final Set<Integer> senders;
    /** Feeding threads hold the read lock; {@link #close} takes the write lock once they left. */
    private final ReadWriteLock feeding = new ReentrantReadWriteLock();
    // Guarded by this.
    private final Set<Integer> opened = new HashSet<>();
    // Read by whoever consumes the input: the task thread, or DuckDB's threads for a stage that
    // streams its input into one query.
    private final Set<Integer> ended = ConcurrentHashMap.newKeySet();
    private final CountDownLatch schemaKnown = new CountDownLatch(1);
    private volatile Schema schema;
    private volatile boolean closed;
    /** Time feeding threads waited for room: how long this task held its senders back. */
    private final LongAdder blockedNanos = new LongAdder();

    /**
     * @param task the owning task, for messages
     * @param senders the indexes of the upstream tasks that each send one stream, as planned
     * @param allocator the task's allocator: batches are moved into it on arrival
     * @param capacity batches the inbox holds before it blocks senders
     */
    public TaskInbox(String task, Set<Integer> senders, BufferAllocator allocator, int capacity) {
        this.task = requireNonNull(task, "task is null");
        this.senders = Set.copyOf(senders);
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * A sender announces its stream. Refused loudly for a sender the plan does not name and for a
     * second stream from the same sender: both are a bug or forged input, never silently dropped.
     */
    public synchronized void open(int from, Schema streamSchema) {
        if (!senders.contains(from)) {
            throw new SkeinException(ErrorCode.INVALID_ARGUMENT,
                    task + " expects input from upstream tasks " + senders + ", not from task " + from);
        }
        if (!opened.add(from)) {
            throw new SkeinException(ErrorCode.ALREADY_EXISTS,
                    task + " already has a stream from upstream task " + from);
        }
        if (schema == null) {
            schema = streamSchema;
            schemaKnown.countDown();
        }
    }

    /** The input schema, once a sender announced it (streams do even when they carry no batch). */
    public Optional<Schema> schema() {
        return Optional.ofNullable(schema);
    }

    /** Records the input schema without a sender stream (an ingest source declares its own). */
    public void declareSchema(Schema declared) {
        schema = declared;
        schemaKnown.countDown();
    }

    /**
     * The input schema, waiting until the first sender announced it.
     *
     * @throws SkeinException if the inbox was closed first
     */
    public Schema awaitSchema() throws InterruptedException {
        while (!schemaKnown.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            if (closed) {
                throw new SkeinException(ErrorCode.CANCELLED, task + " stopped");
            }
        }
        return schema;
    }

    /**
     * Hands a batch to the task, blocking while the inbox is full. The inbox takes its own
     * reference to the batch's buffers, accounted to the task's allocator; {@code batch} stays the
     * caller's to close or reuse.
     *
     * @return false if the task has gone and the sender should stop
     */
    public boolean put(VectorSchemaRoot batch) {
        return enqueue(batch, null);
    }

    /**
     * Like {@link #put}, and the returned future tells whether the task took the batch (true) or
     * the inbox was closed with the batch still in it (false): an ingest writer is acknowledged
     * only for batches the task really took.
     */
    public CompletableFuture<Boolean> putTracked(VectorSchemaRoot batch) {
        CompletableFuture<Boolean> taken = new CompletableFuture<>();
        if (!enqueue(batch, taken)) {
            taken.complete(false);
        }
        return taken;
    }

    /** Marks the stream from upstream task {@code from} as complete. */
    public void finished(int from) {
        enqueueControl(new End(from));
    }

    /** Ends the input from every sender (an ingest source was told to finish). */
    public void finishAll() {
        for (int from : senders) {
            finished(from);
        }
    }

    /** Fails the task: an upstream stream broke. */
    public void fail(SkeinException cause) {
        enqueueControl(new Failure(cause));
    }

    private boolean enqueue(VectorSchemaRoot batch, CompletableFuture<Boolean> taken) {
        feeding.readLock().lock();
        try {
            if (closed) {
                return false;
            }
            VectorSchemaRoot owned = Batches.share(batch, allocator);
            if (offer(new Batch(owned, taken))) {
                return true;
            }
            owned.close();
            return false;
        } finally {
            feeding.readLock().unlock();
        }
    }

    private void enqueueControl(Item item) {
        feeding.readLock().lock();
        try {
            offer(item);
        } finally {
            feeding.readLock().unlock();
        }
    }

    /** Waits for room, giving up once the inbox is closed. */
    private boolean offer(Item item) {
        if (!closed && queue.offer(item)) {
            return true;
        }
        long blockedAt = System.nanoTime();
        try {
            while (!closed) {
                if (queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            blockedNanos.add(System.nanoTime() - blockedAt);
        }
        return false;
    }

    /** Batches (and stream ends) waiting now. Any thread. */
    public int depth() {
        return queue.size();
    }

    /** Nanoseconds senders have waited for room so far (backpressure this task exerted). Any thread. */
    public long blockedNanos() {
        return blockedNanos.sum();
    }

    /**
     * The next batch, owned by the caller from now on; empty at end of input (every sender
     * finished).
     *
     * @throws SkeinException if an upstream stream failed or the inbox was closed
     */
    public Optional<VectorSchemaRoot> take() throws InterruptedException {
        while (ended.size() < senders.size()) {
            if (closed) {
                throw new SkeinException(ErrorCode.CANCELLED, task + " stopped");
            }
            Item item = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (item != null) {
                Optional<VectorSchemaRoot> batch = accept(item);
                if (batch.isPresent()) {
                    return batch;
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A batch that is already waiting, without blocking; empty if none is (or the input ended).
     * Lets a stage take what piled up while it worked and run one query over all of it.
     */
    public Optional<VectorSchemaRoot> poll() {
        while (ended.size() < senders.size() && !closed) {
            Item item = queue.poll();
            if (item == null) {
                return Optional.empty();
            }
            Optional<VectorSchemaRoot> batch = accept(item);
            if (batch.isPresent()) {
                return batch;
            }
        }
        return Optional.empty();
    }

    /** Whether every sender finished and every batch was taken. */
    public boolean isDrained() {
        return ended.size() == senders.size() && queue.isEmpty();
    }

    private Optional<VectorSchemaRoot> accept(Item item) {
        if (item instanceof Batch batch) {
            if (batch.taken() != null) {
                batch.taken().complete(true);
            }
            return Optional.of(batch.root());
        }
        if (item instanceof Failure failure) {
            throw failure.cause();
        }
        if (item instanceof End end) {
            ended.add(end.from());
            return Optional.empty();
        }
        throw new IllegalStateException("unknown inbox item " + item);
    }

    /** Stops accepting batches, waits for feeding threads to leave, frees the queued batches. Idempotent. */
    public void close() {
        closed = true;
        feeding.writeLock().lock();
        try {
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
        } finally {
            feeding.writeLock().unlock();
        }
    }
}
