package dev.skein.spi.plugin;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.TransformContext;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The {@link TransformContext} Skein's nodes hand to a transform: a plain value. The config is
 * taken as given (the pipeline spec already made it immutable and ordered); the allocator stays
 * owned by whoever created the context.
 *
 * @param pipelineName the pipeline
 * @param stageName the stage
 * @param taskIndex 0 to {@code parallelism - 1}
 * @param parallelism the stage's task count, at least 1
 * @param config the stage's {@code config:} mapping
 * @param allocator the transform instance's own allocator
 */
public record TaskTransformContext(
        String pipelineName,
        String stageName,
        int taskIndex,
        int parallelism,
        Map<String, Object> config,
        BufferAllocator allocator)
        implements TransformContext {
    /** Checks that no component is null and that the task index lies within the parallelism. */
    public TaskTransformContext {
        requireNonNull(pipelineName, "pipelineName is null");
        requireNonNull(stageName, "stageName is null");
        requireNonNull(config, "config is null");
        requireNonNull(allocator, "allocator is null");
        if (parallelism < 1 || taskIndex < 0 || taskIndex >= parallelism) {
            throw new IllegalArgumentException(
                    "task index " + taskIndex + " is outside a parallelism of " + parallelism);
        }
    }
}
