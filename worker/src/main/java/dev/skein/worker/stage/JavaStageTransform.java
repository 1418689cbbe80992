package dev.skein.worker.stage;

import static java.util.Objects.requireNonNull;

import dev.skein.spec.JavaTransformSpec;
import dev.skein.spi.BatchEmitter;
import dev.skein.spi.BatchTransform;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TaskTransformContext;
import dev.skein.spi.plugin.TransformCalls;
import dev.skein.spi.plugin.TransformLoader;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stage run by a user's {@link BatchTransform}: creates and opens the instance with its own child
 * allocator, asks its output schema before the first batch, checks every emitted batch against
 * it, and at close checks that the transform released all its Arrow memory. Every failure of user
 * code names the class and the method; a failure of the task's own output (cancelled, downstream
 * gone) passes through unchanged. Used by one task thread.
 */
public final class JavaStageTransform implements StageTransform {
    private static final Logger log = LoggerFactory.getLogger(JavaStageTransform.class);

    private final BatchTransform transform;
    private final String className;
    private final String label;
    private final BufferAllocator allocator;
    private final Emitter emitter = new Emitter();
    private Schema outputSchema;
    private boolean closed;

    private JavaStageTransform(BatchTransform transform, String label, BufferAllocator allocator) {
        this.transform = transform;
        this.className = transform.getClass().getName();
        this.label = label;
        this.allocator = allocator;
    }

    /**
     * Creates and opens the stage's transform.
     *
     * @param taskAllocator the task's allocator; the transform gets a child of it
     * @throws SkeinException if the class cannot be loaded or created, or {@code open} throws
     */
    public static JavaStageTransform open(
            JavaTransformSpec spec, TransformLoader loader, StageTask task, BufferAllocator taskAllocator) {
        requireNonNull(spec, "spec is null");
        BufferAllocator allocator = taskAllocator.newChildAllocator(
                "transform-" + task.stageName() + "-" + task.key().index(), 0, Long.MAX_VALUE);
        BatchTransform transform;
        try {
            transform = loader.instantiate(spec.className());
        } catch (RuntimeException e) {
            allocator.close();
            throw e;
        }
        JavaStageTransform stage = new JavaStageTransform(transform, task.label(), allocator);
        TaskTransformContext context = new TaskTransformContext(
                task.key().pipeline(),
                task.stageName(),
                task.key().index(),
                task.parallelism(),
                spec.config(),
                allocator);
        try {
            TransformCalls.run(transform, "open", () -> transform.open(context));
        } catch (RuntimeException e) {
            try {
                stage.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
        return stage;
    }

    /** The user's instance, for tests. */
    BatchTransform transform() {
        return transform;
    }

    @Override
    public void accept(VectorSchemaRoot batch, StageOutput out) throws Exception {
        if (batch.getRowCount() == 0) {
            return;
        }
        if (outputSchema == null) {
            declareOutput(batch.getSchema());
        }
        emitter.callWith(out, "apply", () -> transform.apply(batch, emitter));
    }

    @Override
    public Schema finish(Schema inputSchema, StageOutput out) throws Exception {
        if (outputSchema == null) {
            if (inputSchema == null) {
                throw new SkeinException(ErrorCode.INTERNAL, "no input schema: no upstream stream ever started");
            }
            declareOutput(inputSchema);
        }
        emitter.callWith(out, "finish", () -> transform.finish(emitter));
        return outputSchema;
    }

    private void declareOutput(Schema input) {
        Schema declared = TransformCalls.call(transform, "outputSchema", () -> transform.outputSchema(input));
        if (declared == null || declared.getFields().isEmpty()) {
            throw new SkeinException(
                    ErrorCode.STAGE_FAILED,
                    className + ".outputSchema returned " + (declared == null ? "null" : "a schema without columns"));
        }
        outputSchema = declared;
    }

    /**
     * Closes the transform, then its allocator.
     *
     * @throws SkeinException if {@code close} threw, or if the transform leaked Arrow memory
     *     (the allocator then stays open: its buffers are still referenced, and the task's own
     *     allocator reports them too when it closes)
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        SkeinException failure = null;
        try {
            TransformCalls.run(transform, "close", transform::close);
        } catch (SkeinException e) {
            failure = e;
        }
        long leaked = allocator.getAllocatedMemory();
        if (leaked == 0) {
            allocator.close();
        } else {
            String message = className + " leaked " + leaked + " bytes of Arrow memory: its allocator still held"
                    + " them after close()";
            log.error("{}: {}", label, message);
            SkeinException leak = new SkeinException(ErrorCode.STAGE_FAILED, message);
            if (failure == null) {
                failure = leak;
            } else {
                failure.addSuppressed(leak);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The {@link BatchEmitter} handed to the transform: checks each batch's schema and forwards it
     * to the task. A failure of the task's output is remembered, so that it surfaces as itself
     * even when the transform wraps or swallows it.
     */
    private final class Emitter implements BatchEmitter {
        private StageOutput target;
        private Exception outputFailure;

        void callWith(StageOutput out, String method, Runnable call) throws Exception {
            target = out;
            try {
                TransformCalls.run(transform, method, call);
            } catch (SkeinException e) {
                throw outputFailure != null ? outputFailure : e;
            } finally {
                target = null;
            }
            if (outputFailure != null) {
                throw outputFailure;
            }
        }

        @Override
        public void emit(VectorSchemaRoot batch) {
            if (target == null) {
                throw new IllegalStateException("emit called outside apply or finish");
            }
            if (outputFailure != null) {
                throw new SkeinException(ErrorCode.CANCELLED, "the task's output already failed");
            }
            Schema schema = batch.getSchema();
            if (schema != outputSchema && !schema.equals(outputSchema)) {
                throw new SkeinException(
                        ErrorCode.STAGE_FAILED,
                        "emitted a batch of schema " + schema + ", which differs from its outputSchema "
                                + outputSchema);
            }
            if (batch.getRowCount() == 0) {
                return;
            }
            try {
                target.accept(batch);
            } catch (Exception e) {
                outputFailure = e;
                throw new SkeinException(ErrorCode.CANCELLED, "the task's output failed: " + e.getMessage(), e);
            }
        }
    }
}
