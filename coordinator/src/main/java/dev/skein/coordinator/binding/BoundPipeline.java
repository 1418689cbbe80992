package dev.skein.coordinator.binding;

import static java.util.Objects.requireNonNull;

import dev.skein.spec.PipelineSpec;
import dev.skein.spec.StageSpec;
import java.util.List;

/**
 * A pipeline whose source and every stage bound in DuckDB: the columns flowing along each edge.
 *
 * @param spec the pipeline as written
 * @param sourceColumns the columns the source produces, in order
 * @param stages one per stage of {@code spec}, in the same order
 */
public record BoundPipeline(PipelineSpec spec, List<BoundColumn> sourceColumns, List<BoundStage> stages) {
    public BoundPipeline {
        requireNonNull(spec, "spec is null");
        sourceColumns = List.copyOf(requireNonNull(sourceColumns, "sourceColumns is null"));
        stages = List.copyOf(requireNonNull(stages, "stages is null"));
        List<String> specNames = spec.stages().stream().map(StageSpec::name).toList();
        List<String> boundNames = stages.stream().map(BoundStage::name).toList();
        if (!specNames.equals(boundNames)) {
            throw new IllegalArgumentException(
                    "bound stages " + boundNames + " do not match the spec's stages " + specNames);
        }
    }

    /** The columns the named stage produces, in order. */
    public List<BoundColumn> outputOf(String stageName) {
        return stages.get(indexOf(stageName)).output();
    }

    /** The columns the named stage receives as {@code input}: its upstream stage's output or the source's. */
    public List<BoundColumn> inputOf(String stageName) {
        int index = indexOf(stageName);
        return index == 0 ? sourceColumns : stages.get(index - 1).output();
    }

    private int indexOf(String stageName) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(stageName)) {
                return i;
            }
        }
        throw new IllegalArgumentException("pipeline '" + spec.name() + "' has no stage '" + stageName + "'");
    }
}
