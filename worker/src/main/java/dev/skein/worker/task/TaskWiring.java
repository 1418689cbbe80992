package dev.skein.worker.task;

import static java.util.Objects.requireNonNull;

import dev.skein.spec.SinkSpec;
import dev.skein.spec.SourceSpec;
import dev.skein.spec.TransformSpec;
import java.util.List;
import java.util.Optional;

/**
 * Everything a task needs to know about its place in the plan.
 *
 * @param key the task
 * @param stageName "source" or the stage's name, for messages
 * @param source set for the source task (stage 0)
 * @param transform set for a stage task
 * @param upstreams how many upstream tasks send to this task (0 for the source)
 * @param downstream the next stage's tasks this task sends to; empty for the last stage
 * @param downstreamPartitionBy the next stage's hash keys
 * @param sinks set on last-stage tasks
 * @param batchRows rows per batch leaving DuckDB
 * @param parallelism tasks in this stage
 */
public record TaskWiring(
        TaskKey key,
        String stageName,
        Optional<SourceSpec> source,
        Optional<TransformSpec> transform,
        int upstreams,
        List<DownstreamTarget> downstream,
        List<String> downstreamPartitionBy,
        List<SinkSpec> sinks,
        int batchRows,
        int parallelism) {
    public TaskWiring {
        requireNonNull(key, "key is null");
        requireNonNull(stageName, "stageName is null");
        requireNonNull(source, "source is null");
        requireNonNull(transform, "transform is null");
        downstream = List.copyOf(downstream);
        downstreamPartitionBy = List.copyOf(downstreamPartitionBy);
        sinks = List.copyOf(sinks);
    }

    public boolean isLastStage() {
        return downstream.isEmpty();
    }

    /** {@code stage 'enrich' task 1}, for messages. */
    public String label() {
        return "stage '" + stageName + "' task " + key.index();
    }
}
