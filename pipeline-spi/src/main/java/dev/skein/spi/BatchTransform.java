package dev.skein.spi;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A pipeline stage written in Java: it receives Arrow record batches and emits Arrow record
 * batches, never rows. A stage names the class in the pipeline YAML:
 *
 * <pre>{@code
 * stages:
 *   - name: mark
 *     java:
 *       class: com.example.MarkProcessed
 *       config: {column: processed}
 * }</pre>
 *
 * <p>The class is public, has a public no-argument constructor, and is found on the worker's class
 * path or in a jar of the worker's plugins directory ({@code skein worker --plugins DIR}; each jar
 * gets its own class loader whose parent holds this SPI and Arrow, so a plugin jar bundles its other
 * dependencies but not these).
 *
 * <h2>Lifecycle</h2>
 *
 * <p>Skein creates one instance per task (a stage with {@code parallelism: 3} has three, possibly in
 * three worker processes) and calls, in this order:
 *
 * <ol>
 *   <li>{@link #open} once;
 *   <li>{@link #outputSchema} once, before the first batch, with the schema of the batches that
 *       will arrive;
 *   <li>{@link #apply} for every input batch, in the order the task receives them;
 *   <li>{@link #finish} once at end of input, unless the task failed or was cancelled;
 *   <li>{@link #close} once, always, once {@link #open} was called (also when {@code open} threw).
 * </ol>
 *
 * <p>The coordinator and {@code skein validate} check a pipeline before anything runs: they create
 * an instance, call {@link #open} (with task index 0 and no data to follow), {@link #outputSchema}
 * with the upstream's schema, and {@link #close}. So {@code open} should be cheap and free of
 * outside effects: connect to other systems on the first {@code apply}, not in {@code open}.
 *
 * <h2>Threading</h2>
 *
 * <p>One thread makes every call on an instance; an instance is never shared between tasks, so it
 * needs no synchronization. Several instances (of one or several stages) run at once in one worker
 * JVM: static mutable state must be thread-safe.
 *
 * <h2>Memory</h2>
 *
 * <p>Allocate Arrow memory only from {@link TransformContext#allocator()}, and release all of it by
 * the end of {@link #close}. Memory still allocated after {@code close} is a leak: the worker logs
 * it and the task fails with a message naming the stage and the byte count.
 *
 * <h2>Errors</h2>
 *
 * <p>Throw any unchecked exception to fail the task, for example a {@link SkeinException} with
 * {@link ErrorCode#STAGE_FAILED} for data the transform cannot handle. The pipeline fails with the
 * stage, the class and the message ({@code stage 'mark' task 0 failed: com.example.MarkProcessed.apply
 * threw IllegalStateException: ...}); the worker stays healthy. Exceptions thrown by {@link
 * BatchEmitter#emit} (the pipeline was cancelled, or a downstream task failed) should propagate
 * unchanged.
 */
public interface BatchTransform extends AutoCloseable {
    /**
     * Prepares the instance: reads its configuration, allocates what it keeps for its lifetime.
     * Called once, before every other method. The default does nothing.
     *
     * @param context the task's identity, configuration and allocator; valid until {@link #close}
     *     returns, so it may be kept in a field
     */
    default void open(TransformContext context) {}

    /**
     * The schema of every batch this instance will emit, given the schema of the batches it will
     * receive. Called once after {@link #open}, before the first {@link #apply} (or before {@link
     * #finish} when no batch arrives), and on the coordinator to check the pipeline and to bind the
     * SQL of the stages after this one. Must not depend on data: the same input gives the same
     * output schema. Column names must be unique, ignoring case (SQL stages compare them that way).
     *
     * <p>To reject an input (a configured column is missing, or has the wrong type), throw an
     * exception with a message that names the column: it is reported at the stage's {@code class:}
     * line and column.
     *
     * @param input the schema of the incoming batches; owned by the caller, immutable
     * @return the output schema, not null and with at least one column
     */
    Schema outputSchema(Schema input);

    /**
     * Processes one input batch, emitting any number of output batches (none, one, several) to
     * {@code out}, each with exactly the schema {@link #outputSchema} returned.
     *
     * <p>Ownership: Skein owns {@code input} and frees it after this method returns. It is valid
     * only during the call: do not close it, and keep no reference to it or its vectors afterwards.
     * To keep values past the call, copy them into vectors allocated from {@link
     * TransformContext#allocator()} (for example with {@code copyFromSafe}). The input's vectors
     * may be emitted as they are, or as part of an output batch (a pass-through column), during the
     * call.
     *
     * @param input the next batch, with at least one row and the schema given to {@link #outputSchema}
     * @param out where output batches go; valid during this call only
     */
    void apply(VectorSchemaRoot input, BatchEmitter out);

    /**
     * End of input: every batch has been applied. A stateful transform (aggregation, top-k,
     * de-duplication) emits what it holds now. Called once, and not at all if the task failed or
     * was cancelled. The default emits nothing.
     *
     * @param out where output batches go; valid during this call only
     */
    default void finish(BatchEmitter out) {}

    /**
     * Releases everything the instance holds: after this returns, the context's allocator must be
     * empty. Called exactly once after {@link #open}, also after a failure; must not throw for a
     * partly opened instance. The default does nothing.
     */
    @Override
    default void close() {}
}
