package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

/**
 * Names one task of one plan epoch. Stage 0 is the source; stages 1..n are the spec's stages.
 *
 * @param pipeline pipeline name
 * @param epoch plan epoch
 * @param stage stage position
 * @param index task index within the stage
 */
public record TaskKey(String pipeline, long epoch, int stage, int index) {
    public TaskKey {
        requireNonNull(pipeline, "pipeline is null");
    }

    @Override
    public String toString() {
        return pipeline + "@" + epoch + "/" + stage + "-" + index;
    }
}
