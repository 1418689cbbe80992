package dev.skein.coordinator.sql;

import dev.skein.coordinator.monitoring.WorkerView;
import dev.skein.coordinator.scheduling.PipelineView;
import java.util.List;

/** What the {@code system} tables show: the views REST {@code /api/v1/pipelines} and {@code /workers} return. */
public interface ClusterViews {
    /** Every pipeline the coordinator knows, running or finished. */
    List<PipelineView> pipelines();

    /** Every live worker. */
    List<WorkerView> workers();
}
