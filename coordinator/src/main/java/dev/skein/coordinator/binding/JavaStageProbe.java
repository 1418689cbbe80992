package dev.skein.coordinator.binding;

import dev.skein.spec.JavaTransformSpec;
import dev.skein.spec.StageSpec;
import dev.skein.spi.BatchTransform;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.spi.plugin.TaskTransformContext;
import dev.skein.spi.plugin.TransformCalls;
import dev.skein.spi.plugin.TransformLoader;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Asks a Java stage's class for its output schema without running it: loads and creates it the way
 * a worker does, opens it as task 0 with the stage's config, calls {@code outputSchema}, closes it.
 */
final class JavaStageProbe {
    private JavaStageProbe() {}

    /**
     * @param allocator the parent of the allocator the instance gets
     * @throws SkeinException whose message names the class and what is wrong with it
     */
    static Schema outputSchema(
            TransformLoader loader,
            String pipeline,
            StageSpec stage,
            JavaTransformSpec java,
            Schema input,
            BufferAllocator allocator) {
        BatchTransform transform = loader.instantiate(java.className());
        BufferAllocator child = allocator.newChildAllocator("validate-" + stage.name(), 0, Long.MAX_VALUE);
        TaskTransformContext context =
                new TaskTransformContext(pipeline, stage.name(), 0, Math.max(1, stage.parallelism()), java.config(), child);
        Schema output;
        try {
            TransformCalls.run(transform, "open", () -> transform.open(context));
            output = TransformCalls.call(transform, "outputSchema", () -> transform.outputSchema(input));
        } catch (SkeinException e) {
            closeAfterFailure(transform, child, e);
            throw e;
        }
        TransformCalls.run(transform, "close", transform::close);
        long leaked = child.getAllocatedMemory();
        if (leaked > 0) {
            // the buffers are still referenced: closing the allocator would only throw
            throw new SkeinException(ErrorCode.STAGE_FAILED, java.className() + " leaked " + leaked
                    + " bytes of Arrow memory: its allocator still held them after close()");
        }
        child.close();
        if (output == null || output.getFields().isEmpty()) {
            throw new SkeinException(
                    ErrorCode.STAGE_FAILED,
                    java.className() + ".outputSchema returned " + (output == null ? "null" : "a schema without columns"));
        }
        return output;
    }

    private static void closeAfterFailure(BatchTransform transform, BufferAllocator child, SkeinException failure) {
        try {
            TransformCalls.run(transform, "close", transform::close);
            if (child.getAllocatedMemory() == 0) {
                child.close();
            }
        } catch (SkeinException e) {
            failure.addSuppressed(e);
        }
    }
}
