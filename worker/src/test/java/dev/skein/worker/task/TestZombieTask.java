package dev.skein.worker.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.DataPlaneCapabilities;
import dev.skein.cluster.EdgeKind;
import dev.skein.cluster.LeaderTerm;
import dev.skein.cluster.LeadershipListener;
import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PipelineState;
import dev.skein.cluster.TaskKey;
import dev.skein.cluster.TaskOutput;
import dev.skein.cluster.TaskPlacement;
import dev.skein.cluster.TaskState;
import dev.skein.cluster.ZkCluster;
import dev.skein.cluster.ZkClusterConfig;
import dev.skein.cluster.ZkLeadership;
import dev.skein.cluster.ZkPlanStore;
import dev.skein.cluster.flight.ClusterCredentials;
import dev.skein.spi.plugin.TransformLoader;
import dev.skein.worker.duckdb.DuckDbDatabase;
import dev.skein.worker.duckdb.TableStore;
import dev.skein.worker.exchange.FlightClientPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task whose status write is refused as stale (a newer run exists) stops by itself. */
class TestZombieTask {
    private static final String ENDLESS = """
            name: z
            source: {type: generate, sql: "SELECT i AS id FROM range(1000000000000) t(i)"}
            stages: [{name: s, sql: "SELECT id FROM input"}]
            sinks: [{type: count}]
            """;

    @TempDir
    Path dir;

    @Test
    void aTaskOfASupersededEpochStopsWithoutSeeingTheNewPlan() throws Exception {
        BufferAllocator allocator = new RootAllocator();
        DuckDbDatabase database = DuckDbDatabase.open(1, "256MB");
        TableStore tables = TableStore.open(Optional.empty(), 1, "256MB");
        FlightClientPool clients = new FlightClientPool(allocator, ClusterCredentials.none());
        TransformLoader loader = TransformLoader.classPathOnly();
        TestingServer zookeeper = new TestingServer();
        ZkCluster cluster = ZkCluster.connect(
                ZkClusterConfig.of(zookeeper.getConnectString()).withSessionTimeout(Duration.ofSeconds(2)));
        ZkPlanStore plans = cluster.planStore().start();
        ZkLeadership leadership = cluster.leadership("c").start("http://c", "c:1", new LeadershipListener() {
            @Override
            public void leading(LeaderTerm term) {}

            @Override
            public void standingBy() {}
        });
        StatusReporter reporter = new StatusReporter("w1", plans);
        WorkerTasks tasks = new WorkerTasks("w1", allocator, database, clients, loader, tables, reporter,
                DataPlaneCapabilities.of(AuthConfig.open()));
        try {
            assertThat(leadership.awaitLeadership(Duration.ofSeconds(10))).isTrue();
            reporter.start(tasks::tasks, 100);
            PipelinePlan running = plan(plans.nextEpoch(), PipelineState.RUNNING);
            plans.createPlan(running);
            tasks.planChanged(running);
            TaskKey source = new TaskKey("z", running.epoch(), 0, 0);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    plans.taskStatuses("z", running.epoch()).stream().anyMatch(status -> status.rowsOut() > 0));

            // The pipeline is restarted elsewhere; this worker never hears of the new plan.
            PipelinePlan restarting = running.withState(PipelineState.RESTARTING, 0, Optional.empty());
            plans.updatePlan(restarting);
            assertThat(plans.restartPlan(restarting, plan(plans.nextEpoch(), PipelineState.RUNNING))).isTrue();

            Task zombie = tasks.awaitTask(source, Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(20)).until(() -> zombie.state().isTerminal());
            assertThat(zombie.state()).isIn(TaskState.CANCELLED, TaskState.FAILED);
            await().atMost(Duration.ofSeconds(20)).until(() -> tasks.tasks().stream().allMatch(task -> task.state().isTerminal()));
        } finally {
            AutoCloseables.close(reporter, tasks, leadership, plans, cluster, zookeeper, clients, loader, tables, database,
                    allocator);
        }
    }

    private PipelinePlan plan(long epoch, PipelineState state) {
        return new PipelinePlan("z", epoch, state, "z.yaml", ENDLESS, dir.toString(),
                List.of(new TaskPlacement(0, 0, "w1", "127.0.0.1", 1, List.of(),
                                Optional.of(new TaskOutput(EdgeKind.FORWARD, List.of(), List.of(0)))),
                        new TaskPlacement(1, 0, "w1", "127.0.0.1", 1, List.of(0), Optional.empty())),
                1_000, 0, Optional.empty());
    }
}
