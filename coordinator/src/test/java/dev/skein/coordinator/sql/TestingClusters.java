package dev.skein.coordinator.sql;

import dev.skein.coordinator.monitoring.WorkerView;
import dev.skein.coordinator.scheduling.AttemptView;
import dev.skein.coordinator.scheduling.PipelineView;
import dev.skein.coordinator.scheduling.StageView;
import java.util.List;
import java.util.Optional;

/** A small cluster as the coordinator's views show it: pipeline w1 running on two workers. */
final class TestingClusters {
    static final long SUBMITTED = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private TestingClusters() {}

    static PipelineView w1() {
        StageView source = new StageView("source", 1, List.of("worker-1"), List.of("RUNNING"), 0, 1_000, 0, 1, 8_000, 0,
                5_000_000, 0, 0, 2_000, false);
        StageView enrich = new StageView("enrich", 2, List.of("worker-1", "worker-2"), List.of("RUNNING", "FINISHED"),
                1_000, 900, 1, 2, 7_000, 0, 3_000_000, 1_000_000, 2_000_000, 500, false);
        return new PipelineView("w1", "RUNNING", 3, Optional.empty(), SUBMITTED, 4_000, 1_000, 250.0,
                List.of(source, enrich), Optional.empty(), List.of(
                        new AttemptView(1, 2, SUBMITTED, SUBMITTED + 10, SUBMITTED + 20, Optional.of("lost"),
                                Optional.of("worker-3"), Optional.empty()),
                        new AttemptView(2, 3, SUBMITTED + 30, SUBMITTED + 40, 0, Optional.empty(), Optional.empty(),
                                Optional.of(20L))));
    }

    static List<WorkerView> workers() {
        return List.of(
                new WorkerView("worker-1", "127.0.0.1:4001", 2, SUBMITTED - 1_000, 2,
                        Optional.of("http://127.0.0.1:5001/metrics"), Optional.of(1_024L), Optional.of(2_048L)),
                new WorkerView("worker-2", "127.0.0.1:4002", 4, SUBMITTED - 2_000, 1, Optional.empty(),
                        Optional.empty(), Optional.empty()));
    }

    static ClusterViews views() {
        return new ClusterViews() {
            @Override
            public List<PipelineView> pipelines() {
                return List.of(w1());
            }

            @Override
            public List<WorkerView> workers() {
                return TestingClusters.workers();
            }
        };
    }
}
