package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One stage of the chain. Its name is also its tap path ({@code pipeline/stage}).
 *
 * @param name unique in the pipeline, {@code [a-z][a-z0-9_-]*}
 * @param location where the stage's list item starts in the file
 * @param transform what the stage does
 * @param parallelism number of tasks, at least 1, or {@link #AUTO}: one task per live worker when the
 *     pipeline is planned (and again at each restart)
 * @param partitionBy columns to hash-route rows to this stage's tasks on; empty for no hashing
 * @param timeout how long each of the stage's tasks may run before it fails the pipeline (its
 *     DuckDB query interrupted); empty for no limit
 */
public record StageSpec(
        String name,
        Location location,
        TransformSpec transform,
        int parallelism,
        List<String> partitionBy,
        Optional<Duration> timeout) {
    /** {@code parallelism: auto}: as many tasks as there are live workers when the plan is made. */
    public static final int AUTO = 0;

    /** Checks that no component is null, that parallelism is at least 1 and a timeout positive; copies the list. */
    public StageSpec {
        requireNonNull(name, "name is null");
        requireNonNull(location, "location is null");
        requireNonNull(transform, "transform is null");
        partitionBy = List.copyOf(requireNonNull(partitionBy, "partitionBy is null"));
        if (parallelism < 1 && parallelism != AUTO) {
            throw new IllegalArgumentException("parallelism must be at least 1 or AUTO: " + parallelism);
        }
        requireNonNull(timeout, "timeout is null");
        if (timeout.filter(limit -> limit.isZero() || limit.isNegative()).isPresent()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout.get());
        }
    }

    /** Whether the stage runs one task per live worker ({@code parallelism: auto}). */
    public boolean isAuto() {
        return parallelism == AUTO;
    }

    /** This stage with {@code tasks} tasks (an {@code auto} stage once the live workers are known). */
    public StageSpec withParallelism(int tasks) {
        return new StageSpec(name, location, transform, tasks, partitionBy, timeout);
    }

    /** A stage without a timeout. */
    public StageSpec(String name, Location location, TransformSpec transform, int parallelism, List<String> partitionBy) {
        this(name, location, transform, parallelism, partitionBy, Optional.empty());
    }
}
