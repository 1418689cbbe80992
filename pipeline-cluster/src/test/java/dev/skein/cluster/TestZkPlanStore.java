package dev.skein.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.skein.spi.SkeinException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

class TestZkPlanStore {
    private static PipelinePlan plan(String name, long epoch, PipelineState state) {
        return new PipelinePlan(name, epoch, state, "p.yaml", "name: " + name, "/tmp",
                List.of(new TaskPlacement(0, 0, "w1", "127.0.0.1", 8815, List.of(), Optional.empty())), 1_000, 0,
                Optional.empty(), List.of(PipelineAttempt.started(epoch, 1_000)), "token-" + epoch, List.of(), Optional.empty());
    }

    private static TaskStatus status(long epoch, TaskState state) {
        return new TaskStatus(epoch, 0, 0, "w1", state, 0, 10, 0, 1, 80, 0, 0, 0, 0, 1, 2, Optional.empty(), Optional.empty(),
                Optional.of(new ResultPreview(List.of("n", "amount", "day", "note"), List.of(List.of(IntNode.valueOf(10),
                        DecimalNode.valueOf(new BigDecimal("12.30")), TextNode.valueOf("2025-01-01"), NullNode.getInstance())))));
    }

    private static final LeadershipListener QUIET = new LeadershipListener() {
        @Override
        public void leading(LeaderTerm term) {}

        @Override
        public void standingBy() {}
    };

    /** Makes {@code cluster} the leader, as plan writes require. */
    private static ZkLeadership lead(ZkCluster cluster, String id) {
        ZkLeadership leadership = cluster.leadership(id).start("http://" + id, id + ":1", QUIET);
        assertThat(leadership.awaitLeadership(Duration.ofSeconds(10))).isTrue();
        return leadership;
    }

    @Test
    void storesPlansAndStatusesAndFeedsListeners() throws Exception {
        try (TestingServer zookeeper = new TestingServer();
                ZkCluster cluster = ZkCluster.connect(
                        ZkClusterConfig.of(zookeeper.getConnectString()).withSessionTimeout(Duration.ofSeconds(2)));
                ZkPlanStore store = cluster.planStore()) {
            List<String> events = new CopyOnWriteArrayList<>();
            store.addListener(new PlanListener() {
                @Override
                public void planChanged(PipelinePlan plan) {
                    events.add("plan " + plan.pipeline() + " " + plan.state());
                }

                @Override
                public void taskStatusChanged(String pipeline, TaskStatus status) {
                    events.add("task " + pipeline + " " + status.key() + " " + status.state());
                }
            });
            store.start();
            ZkLeadership leadership = lead(cluster, "c1");

            long first = store.nextEpoch();
            assertThat(store.nextEpoch()).isEqualTo(first + 1);
            store.createPlan(plan("w1", first, PipelineState.RUNNING));
            store.putTaskStatus("w1", status(first, TaskState.RUNNING));
            store.putTaskStatus("w1", status(first, TaskState.FINISHED));

            assertThat(store.plan("w1")).contains(plan("w1", first, PipelineState.RUNNING));
            assertThat(store.taskStatuses("w1", first)).containsExactly(status(first, TaskState.FINISHED));
            assertThatThrownBy(() -> store.createPlan(plan("w1", first + 5, PipelineState.RUNNING)))
                    .isInstanceOf(SkeinException.class)
                    .hasMessage("pipeline 'w1' is already RUNNING; cancel it first");
            await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("task w1 0-0 FINISHED"));
            assertThat(events).startsWith("plan w1 RUNNING");

            store.updatePlan(plan("w1", first, PipelineState.SUCCEEDED));
            store.createPlan(plan("w1", first + 5, PipelineState.RUNNING));
            assertThat(store.taskStatuses("w1", first)).as("statuses of the replaced run are gone").isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> store.plans().size() == 1
                    && store.plans().get(0).epoch() == first + 5);
        }
    }

    @Test
    void aRestartGetsANewEpochAndTheOldEpochsTasksCanNoLongerReport() throws Exception {
        try (TestingServer zookeeper = new TestingServer();
                ZkCluster cluster = ZkCluster.connect(
                        ZkClusterConfig.of(zookeeper.getConnectString()).withSessionTimeout(Duration.ofSeconds(2)));
                ZkPlanStore store = cluster.planStore().start();
                ZkLeadership leadership = lead(cluster, "c1")) {
            long first = store.nextEpoch();
            PipelinePlan running = plan("r", first, PipelineState.RUNNING);
            store.createPlan(running);
            store.putTaskStatus("r", status(first, TaskState.FAILED));
            PipelinePlan restarting = running.withState(PipelineState.RESTARTING, 0, Optional.empty());
            long second = store.nextEpoch();
            PipelinePlan next = plan("r", second, PipelineState.RUNNING);

            assertThat(store.restartPlan(running, next)).as("only a RESTARTING plan is replaced").isFalse();
            store.updatePlan(restarting);
            assertThat(store.restartPlan(restarting, next)).isTrue();
            assertThat(store.restartPlan(restarting, plan("r", store.nextEpoch(), PipelineState.RUNNING)))
                    .as("a second restart of the same run loses").isFalse();

            assertThat(store.plan("r")).contains(next);
            assertThat(store.taskStatuses("r", first)).isEmpty();
            assertThatThrownBy(() -> store.putTaskStatus("r", status(first, TaskState.FINISHED)))
                    .isInstanceOf(SkeinException.class)
                    .hasMessage("refused the status of task 0-0 of 'r': epoch " + first
                            + " is no longer the pipeline's");
            store.putTaskStatus("r", status(second, TaskState.RUNNING));
            assertThat(store.taskStatuses("r", second)).containsExactly(status(second, TaskState.RUNNING));
        }
    }

    @Test
    void readsFailFastWhileZooKeeperIsDown() throws Exception {
        try (TestingServer zookeeper = new TestingServer();
                ZkCluster cluster = ZkCluster.connect(
                        ZkClusterConfig.of(zookeeper.getConnectString()).withSessionTimeout(Duration.ofSeconds(10)));
                ZkPlanStore store = cluster.planStore().start();
                ZkLeadership leadership = lead(cluster, "c1")) {
            long epoch = store.nextEpoch();
            store.createPlan(plan("down", epoch, PipelineState.RUNNING));
            store.putTaskStatus("down", status(epoch, TaskState.RUNNING));
            await().atMost(Duration.ofSeconds(10)).until(() -> store.plans().size() == 1
                    && store.cachedTaskStatuses("down", epoch).size() == 1);

            zookeeper.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> !cluster.curator().getZookeeperClient().isConnected());

            long started = System.nanoTime();
            assertThatThrownBy(() -> store.plan("down"))
                    .isInstanceOf(SkeinException.class)
                    .hasMessage("cannot read the plan of 'down': ZooKeeper is unreachable");
            assertThatThrownBy(() -> store.taskStatuses("down", epoch))
                    .isInstanceOf(SkeinException.class)
                    .hasMessage("cannot read the task statuses of 'down': ZooKeeper is unreachable");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            assertThat(store.plans()).as("the cached plans still answer").hasSize(1);
            assertThat(store.connected()).isFalse();
            assertThat(store.cachedPlan("down")).contains(plan("down", epoch, PipelineState.RUNNING));
            assertThat(store.cachedTaskStatuses("down", epoch)).containsExactly(status(epoch, TaskState.RUNNING));
            assertThat(store.cachedPlan("absent")).isEmpty();

            zookeeper.restart();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> store.plan("down").isPresent());
        }
    }

    @Test
    void aDeposedLeadersPlanWritesFailAndAStandbyWaitsForLeadership() throws Exception {
        try (TestingServer zookeeper = new TestingServer();
                ZkCluster first = ZkCluster.connect(
                        ZkClusterConfig.of(zookeeper.getConnectString()).withSessionTimeout(Duration.ofSeconds(2)));
                ZkCluster second = ZkCluster.connect(
                        ZkClusterConfig.of(zookeeper.getConnectString()).withSessionTimeout(Duration.ofSeconds(2)));
                ZkPlanStore firstStore = first.planStore().start();
                ZkPlanStore secondStore = second.planStore().start();
                ZkLeadership firstLeads = lead(first, "c1");
                ZkLeadership secondWaits = second.leadership("c2").start("http://c2", "c2:1", QUIET)) {
            long epoch = firstStore.nextEpoch();
            PipelinePlan running = plan("f", epoch, PipelineState.RUNNING);
            firstStore.createPlan(running);
            assertThat(secondWaits.isLeader()).isFalse();
            assertThat(secondWaits.leader()).contains(new LeaderTerm(firstLeads.leader().orElseThrow().term(), "c1",
                    "http://c1", "c1:1"));
            assertThatThrownBy(() -> secondStore.updatePlan(running.withState(PipelineState.CANCELLED, 1, Optional.empty())))
                    .isInstanceOf(SkeinException.class)
                    .hasMessage("not writing the plan of 'f': this coordinator does not lead");

            // The first leader's session ends while it still believes it leads (a long pause):
            // the second takes a newer term, and the first one's writes are refused by ZooKeeper.
            long firstTerm = firstLeads.leader().orElseThrow().term();
            first.curator().getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
            assertThat(secondWaits.awaitLeadership(Duration.ofSeconds(20))).isTrue();
            assertThat(secondWaits.leader().orElseThrow().term()).isEqualTo(firstTerm + 1);
            secondStore.updatePlan(running.withState(PipelineState.DRAINING, 0, Optional.empty()));
            await().atMost(Duration.ofSeconds(20)).until(() -> !firstLeads.isLeader());
            assertThatThrownBy(() -> firstStore.updatePlan(running.withState(PipelineState.CANCELLED, 1, Optional.empty())))
                    .isInstanceOf(SkeinException.class)
                    .hasMessage("not writing the plan of 'f': this coordinator does not lead");
            assertThat(secondStore.plan("f").orElseThrow().state()).isEqualTo(PipelineState.DRAINING);
        }
    }

    @Test
    void aStaleTermIsRefusedByZooKeeper() throws Exception {
        try (TestingServer zookeeper = new TestingServer();
                ZkCluster first = ZkCluster.connect(
                        ZkClusterConfig.of(zookeeper.getConnectString()).withSessionTimeout(Duration.ofSeconds(2)));
                ZkCluster second = ZkCluster.connect(
                        ZkClusterConfig.of(zookeeper.getConnectString()).withSessionTimeout(Duration.ofSeconds(2)));
                ZkPlanStore firstStore = first.planStore().start();
                ZkLeadership firstLeads = lead(first, "c1")) {
            long epoch = firstStore.nextEpoch();
            PipelinePlan running = plan("s", epoch, PipelineState.RUNNING);
            firstStore.createPlan(running);
            // Another coordinator writes a newer term while the first still holds its own (what a
            // leader paused past its session sees in the moment it resumes, before Curator notices).
            first.fence().hold(first.fence().requireVersion("test"), 1);
            second.curator().setData().forPath(ZkPaths.LEADER_EPOCH,
                    RecordCodec.encode(new LeaderTerm(99, "c2", "http://c2", "c2:1")));
            assertThatThrownBy(() -> firstStore.updatePlan(running.withState(PipelineState.CANCELLED, 1, Optional.empty())))
                    .isInstanceOf(SkeinException.class)
                    .hasMessage("refused to write the plan of 's': this coordinator's leader term 1 is over,"
                            + " another coordinator leads now");
            assertThat(firstStore.plan("s").orElseThrow().state()).isEqualTo(PipelineState.RUNNING);
        }
    }

    @Test
    void workersComeAndGoWithTheirSessions() throws Exception {
        try (TestingServer zookeeper = new TestingServer();
                ZkCluster watcher = ZkCluster.connect(ZkClusterConfig.of(zookeeper.getConnectString()));
                ZkWorkerRegistry registry = watcher.workerRegistry().start()) {
            WorkerInfo info = new WorkerInfo("w1", "127.0.0.1", 8815, 2, 0, 0);
            try (ZkCluster workerSession = ZkCluster.connect(ZkClusterConfig.of(zookeeper.getConnectString()))) {
                workerSession.workerRegistry().register(info);
                await().atMost(Duration.ofSeconds(10)).until(() -> registry.liveWorkers().equals(List.of(info)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> registry.liveWorkers().isEmpty());
        }
    }
}
