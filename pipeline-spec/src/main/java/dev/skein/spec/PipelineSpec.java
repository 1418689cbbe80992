package dev.skein.spec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A parsed, validated pipeline file (YAML version 1). Immutable.
 *
 * @param name unique in the cluster, {@code [a-z][a-z0-9_-]*}
 * @param source where rows come from
 * @param stages the chain, in order, at least one
 * @param sinks where the last stage's output goes, possibly none
 * @param file the file name the spec was read from, for messages
 * @param placement how tasks are placed on workers ({@code placement:}, default chain)
 * @param restart how the pipeline is run again after an infrastructure failure
 */
public record PipelineSpec(
        String name,
        SourceSpec source,
        List<StageSpec> stages,
        List<SinkSpec> sinks,
        String file,
        Placement placement,
        RestartSpec restart) {
    /** Checks that no component is null and copies the lists. */
    public PipelineSpec {
        requireNonNull(name, "name is null");
        requireNonNull(source, "source is null");
        stages = List.copyOf(requireNonNull(stages, "stages is null"));
        sinks = List.copyOf(requireNonNull(sinks, "sinks is null"));
        requireNonNull(file, "file is null");
        requireNonNull(placement, "placement is null");
        requireNonNull(restart, "restart is null");
    }

    /** A pipeline with the default placement (chain) and restart policy ({@link RestartSpec#DEFAULT}). */
    public PipelineSpec(String name, SourceSpec source, List<StageSpec> stages, List<SinkSpec> sinks, String file) {
        this(name, source, stages, sinks, file, Placement.CHAIN, RestartSpec.DEFAULT);
    }

    /** The same pipeline placed another way. */
    public PipelineSpec withPlacement(Placement newPlacement) {
        return new PipelineSpec(name, source, stages, sinks, file, newPlacement, restart);
    }

    /**
     * This pipeline with every {@code parallelism: auto} stage given {@code liveWorkers} tasks
     * (at least 1): what the planner places.
     */
    public PipelineSpec withAutoParallelism(int liveWorkers) {
        List<StageSpec> resolved = stages.stream()
                .map(stage -> stage.isAuto() ? stage.withParallelism(Math.max(1, liveWorkers)) : stage)
                .toList();
        return new PipelineSpec(name, source, resolved, sinks, file, placement, restart);
    }

    /** The stage with this name, if any. */
    public Optional<StageSpec> stage(String stageName) {
        return stages.stream().filter(stage -> stage.name().equals(stageName)).findFirst();
    }
}
