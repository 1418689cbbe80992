package dev.skein.worker.stage;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.TaskKey;

/**
 * Which task of which stage a transform runs in, for its context and its messages.
 *
 * @param key the task
 * @param stageName "source" or the stage's name
 * @param parallelism tasks in the stage
 */
public record StageTask(TaskKey key, String stageName, int parallelism) {
    public StageTask {
        requireNonNull(key, "key is null");
        requireNonNull(stageName, "stageName is null");
    }

    /** {@code stage 'enrich' task 1}, for messages. */
    public String label() {
        return "stage '" + stageName + "' task " + key.index();
    }
}
