package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One task of a plan: where it runs and how it is wired. Stage 0 is the source; stages 1..n are
 * the spec's stages in order. The wiring is complete: a worker derives nothing from the YAML.
 *
 * @param stage 0 for the source, else 1-based stage position
 * @param index the task's index within its stage, 0-based
 * @param workerId the worker running it
 * @param host the worker's advertised host
 * @param port the worker's advertised Flight port
 * @param senders indexes of the previous stage's tasks that each open one stream to this task;
 *     empty for the source
 * @param output where this task's batches go; empty for the last stage
 */
public record TaskPlacement(
        int stage, int index, String workerId, String host, int port, List<Integer> senders, Optional<TaskOutput> output) {
    public TaskPlacement {
        requireNonNull(workerId, "workerId is null");
        requireNonNull(host, "host is null");
        senders = List.copyOf(requireNonNull(senders, "senders is null"));
        requireNonNull(output, "output is null");
    }

    /** {@code stage-index}, unique within an epoch. */
    public String key() {
        return stage + "-" + index;
    }

    /** This task's key in the plan's epoch. */
    public TaskKey keyIn(PipelinePlan plan) {
        return new TaskKey(plan.pipeline(), plan.epoch(), stage, index);
    }
}
