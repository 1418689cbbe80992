package dev.skein.worker.task;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.PipelineAttempt;
import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PreAggregation;
import dev.skein.cluster.TaskKey;
import dev.skein.cluster.TaskOutput;
import dev.skein.cluster.TaskPlacement;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SinkSpec;
import dev.skein.spec.SourceSpec;
import dev.skein.spec.SqlTransformSpec;
import dev.skein.spec.StageMode;
import dev.skein.spec.TransformSpec;
import dev.skein.worker.exchange.OutputEdge;
import dev.skein.worker.exchange.TaskAddress;
import dev.skein.worker.stage.StageTask;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything a task needs to know about its place in the plan. The edges come from the plan as
 * the coordinator wrote them; the spec only supplies what the task runs (source, transform, sinks).
 *
 * @param key the task
 * @param stageName "source" or the stage's name, for messages
 * @param source set for the source task (stage 0)
 * @param transform set for a stage task
 * @param senders the previous stage's tasks that each send one stream here; empty for the source
 * @param output where this task's batches go; empty for the last stage
 * @param sinks set on last-stage tasks
 * @param batchRows rows per batch leaving DuckDB
 * @param parallelism tasks in this stage
 * @param exchangeToken the plan's exchange token: the key of every capability into this task (see
 *     {@link dev.skein.cluster.auth.DataPlaneCapabilities})
 * @param timeout how long the task may run (the stage's {@code timeout:}); empty for no limit
 * @param preAggregate set when the next stage is a split {@code final} stage: the partial
 *     aggregation this task runs over all of its output, sending only its result
 * @param failedEpochs the epochs of the pipeline's earlier runs in this submission (each failed
 *     and was restarted); sinks undo what their commits left before this run commits
 */
public record TaskWiring(
        TaskKey key,
        String stageName,
        Optional<SourceSpec> source,
        Optional<TransformSpec> transform,
        List<TaskAddress> senders,
        Optional<OutputEdge> output,
        List<SinkSpec> sinks,
        int batchRows,
        int parallelism,
        String exchangeToken,
        Optional<Duration> timeout,
        Optional<String> preAggregate,
        Set<Long> failedEpochs) {
    public TaskWiring {
        requireNonNull(key, "key is null");
        requireNonNull(stageName, "stageName is null");
        requireNonNull(source, "source is null");
        requireNonNull(transform, "transform is null");
        senders = List.copyOf(senders);
        requireNonNull(output, "output is null");
        sinks = List.copyOf(sinks);
        requireNonNull(exchangeToken, "exchangeToken is null");
        requireNonNull(timeout, "timeout is null");
        requireNonNull(preAggregate, "preAggregate is null");
        failedEpochs = Set.copyOf(failedEpochs);
        if (preAggregate.isPresent() && output.isEmpty()) {
            throw new IllegalArgumentException("a task without an output edge has nothing to pre-aggregate for");
        }
    }

    /**
     * The wiring of {@code placement} exactly as {@code plan} states it. A split final stage runs
     * the plan's combining SQL in place of its own, and the stage before it the partial one.
     */
    public static TaskWiring of(PipelinePlan plan, PipelineSpec spec, TaskPlacement placement) {
        int stage = placement.stage();
        int stageCount = spec.stages().size();
        List<TaskAddress> senders = placement.senders().stream()
                .map(index -> address(plan, plan.task(stage - 1, index)))
                .toList();
        Optional<OutputEdge> output = placement.output().map(edge -> edgeOf(plan, stage + 1, edge));
        return new TaskWiring(
                placement.keyIn(plan),
                stage == 0 ? "source" : spec.stages().get(stage - 1).name(),
                stage == 0 ? Optional.of(spec.source()) : Optional.empty(),
                stage == 0 ? Optional.empty() : Optional.of(transformOf(plan, spec, stage)),
                senders,
                output,
                stage == stageCount ? spec.sinks() : List.of(),
                spec.source().batchRows(),
                plan.tasksOf(stage).size(),
                plan.exchangeToken(),
                stage == 0 ? Optional.empty() : spec.stages().get(stage - 1).timeout(),
                plan.preAggregationOf(stage + 1).map(PreAggregation::partialSql),
                plan.attempts().stream().map(PipelineAttempt::epoch).filter(epoch -> epoch < plan.epoch())
                        .collect(Collectors.toSet()));
    }

    private static TransformSpec transformOf(PipelinePlan plan, PipelineSpec spec, int stage) {
        TransformSpec asWritten = spec.stages().get(stage - 1).transform();
        return plan.preAggregationOf(stage)
                .<TransformSpec>map(split -> new SqlTransformSpec(
                        split.combineSql(), ((SqlTransformSpec) asWritten).sqlLocation(), StageMode.FINAL))
                .orElse(asWritten);
    }

    private static OutputEdge edgeOf(PipelinePlan plan, int receivingStage, TaskOutput output) {
        List<TaskAddress> targets = output.receivers().stream()
                .map(index -> address(plan, plan.task(receivingStage, index)))
                .toList();
        return new OutputEdge(output.kind(), output.partitionBy(), targets, plan.exchangeToken());
    }

    private static TaskAddress address(PipelinePlan plan, TaskPlacement task) {
        return new TaskAddress(task.keyIn(plan), task.workerId(), task.host(), task.port());
    }

    /** Whether the plan names upstream task {@code from} as a sender to this task. */
    public boolean hasSender(int from) {
        return senders.stream().anyMatch(sender -> sender.key().index() == from);
    }

    public boolean isLastStage() {
        return output.isEmpty();
    }

    /** The sender with index {@code from}, for messages; a sender the plan does not name is said so. */
    public String senderLabel(int from) {
        return senders.stream()
                .filter(sender -> sender.key().index() == from)
                .findFirst()
                .map(TaskAddress::toString)
                .orElse("upstream task " + from + " (not in the plan)");
    }

    public StageTask stageTask() {
        return new StageTask(key, stageName, parallelism);
    }

    /** {@code stage 'enrich' task 1}, for messages. */
    public String label() {
        return stageTask().label();
    }
}
