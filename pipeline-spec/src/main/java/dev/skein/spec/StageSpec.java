package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One stage of the chain. Its name is also its tap path ({@code pipeline/stage}).
 *
 * @param name unique in the pipeline, {@code [a-z][a-z0-9_-]*}
 * @param location where the stage's list item starts in the file
 * @param transform what the stage does
 * @param parallelism number of tasks, at least 1
 * @param partitionBy columns to hash-route rows to this stage's tasks on; empty for no hashing
 */
public record StageSpec(
        String name, Location location, TransformSpec transform, int parallelism, List<String> partitionBy) {
    /** Checks that no component is null and that parallelism is at least 1; copies the list. */
    public StageSpec {
        requireNonNull(name, "name is null");
        requireNonNull(location, "location is null");
        requireNonNull(transform, "transform is null");
        partitionBy = List.copyOf(requireNonNull(partitionBy, "partitionBy is null"));
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
    }
}
