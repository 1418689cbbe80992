package dev.skein.worker.task;

import dev.skein.cluster.ResultPreview;
import dev.skein.cluster.TaskState;
import java.util.Optional;

/** Where a task reports its state changes (to ZooKeeper, in a running worker). */
public interface TaskEvents {
    void stateChanged(Task task, TaskState state, Optional<String> error, Optional<ResultPreview> preview);
}
