package dev.skein.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.skein.spi.SkeinException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.test.KillSession;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.Test;

/** Membership that heals: a worker is registered again on every new ZooKeeper session. */
class TestZkWorkerRegistry {
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(2);
    private static final WorkerInfo WORKER = new WorkerInfo("w1", "127.0.0.1", 8815, 2, 0, 0);

    @Test
    void aWorkerWhoseSessionExpiredIsRegisteredAgain() throws Exception {
        try (TestingServer zookeeper = new TestingServer();
                ZkCluster watcher = connect(zookeeper);
                ZkWorkerRegistry members = watcher.workerRegistry().start();
                ZkCluster worker = connect(zookeeper);
                ZkWorkerRegistry registration = worker.workerRegistry()) {
            registration.register(WORKER);
            long firstSession = sessionOf(worker);
            await().atMost(Duration.ofSeconds(10)).until(() -> members.liveWorkers().equals(List.of(WORKER)));

            KillSession.kill(worker.curator().getZookeeperClient().getZooKeeper());

            await().atMost(Duration.ofSeconds(20)).until(() -> sessionOf(worker) != firstSession
                    && registeredBy(watcher) == sessionOf(worker));
            await().atMost(Duration.ofSeconds(10)).until(() -> members.liveWorkers().equals(List.of(WORKER)));
        }
    }

    @Test
    void everyWorkerIsRegisteredAgainAfterZooKeeperWasGoneLongerThanTheSessionTimeout() throws Exception {
        // Long enough that the registration of the old session, which the restarted server keeps
        // for one session timeout, would visibly delay the new one if it were left to expire.
        Duration session = Duration.ofSeconds(6);
        try (TestingServer zookeeper = new TestingServer();
                ZkCluster worker = connect(zookeeper, session);
                ZkWorkerRegistry registration = worker.workerRegistry()) {
            registration.register(WORKER);
            long firstSession = sessionOf(worker);
            CountDownLatch lost = new CountDownLatch(1);
            worker.curator().getConnectionStateListenable().addListener((client, state) -> {
                if (state == ConnectionState.LOST) {
                    lost.countDown();
                }
            });

            zookeeper.stop();
            assertThat(lost.await(30, TimeUnit.SECONDS)).as("the worker's session is lost").isTrue();
            zookeeper.restart();
            long restartedAt = System.nanoTime();

            try (ZkCluster watcher = connect(zookeeper);
                    ZkWorkerRegistry members = watcher.workerRegistry().start()) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                        .until(() -> sessionOf(worker) != firstSession && registeredBy(watcher) == sessionOf(worker));
                assertThat(Duration.ofNanos(System.nanoTime() - restartedAt))
                        .as("the stale registration was removed, not left to expire")
                        .isLessThan(session.minusSeconds(1));
                await().atMost(Duration.ofSeconds(10)).until(() -> members.liveWorkers().equals(List.of(WORKER)));
            }
        }
    }

    @Test
    void aSecondLiveWorkerWithTheSameIdIsRefused() throws Exception {
        try (TestingServer zookeeper = new TestingServer();
                ZkCluster first = connect(zookeeper);
                ZkWorkerRegistry registration = first.workerRegistry();
                ZkCluster second = connect(zookeeper);
                ZkWorkerRegistry duplicate = second.workerRegistry()) {
            registration.register(WORKER);
            assertThatThrownBy(() -> duplicate.register(WORKER))
                    .isInstanceOf(SkeinException.class)
                    .hasMessage("a live worker with id 'w1' is already registered");
        }
    }

    private static ZkCluster connect(TestingServer zookeeper) {
        return connect(zookeeper, SESSION_TIMEOUT);
    }

    private static ZkCluster connect(TestingServer zookeeper, Duration session) {
        return ZkCluster.connect(ZkClusterConfig.of(zookeeper.getConnectString()).withSessionTimeout(session));
    }

    private static long sessionOf(ZkCluster cluster) throws Exception {
        return cluster.curator().getZookeeperClient().getZooKeeper().getSessionId();
    }

    /** The session that owns the worker's node, 0 when there is none. */
    private static long registeredBy(ZkCluster cluster) throws Exception {
        Stat stat = cluster.curator().checkExists().forPath(ZkPaths.worker(WORKER.id()));
        return stat == null ? 0 : stat.getEphemeralOwner();
    }
}
