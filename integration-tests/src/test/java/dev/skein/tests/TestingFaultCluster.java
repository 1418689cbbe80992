package dev.skein.tests;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.WorkerProcess;
import dev.skein.cluster.ZkClusterConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.arrow.util.AutoCloseables;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A cluster of real processes whose faults a test controls: ZooKeeper in this JVM (a Curator
 * {@link TestingServer}, stopped and started again on the same port and data), one coordinator
 * process and worker processes, every node with the same short session timeout. The test's own
 * ZooKeeper client ({@link #connectionState()}) shows what every node sees of an outage.
 */
final class TestingFaultCluster implements AutoCloseable {
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final String WORKERS = "/workers";

    private final Path dir;
    private final Duration session;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<WorkerProcess> workers = new CopyOnWriteArrayList<>();
    private volatile ConnectionState connectionState = ConnectionState.LOST;
    private TestingServer zookeeper;
    private TestingCoordinatorProcess coordinator;
    private CuratorFramework observer;
    private int nextWorker = 1;

    private TestingFaultCluster(Path dir, Duration session) {
        this.dir = dir;
        this.session = session;
    }

    /** Starts ZooKeeper, a coordinator (waits until it leads) and {@code workers} registered workers. */
    static TestingFaultCluster start(Path dir, Duration session, int workers) throws Exception {
        TestingFaultCluster cluster = new TestingFaultCluster(dir, session);
        try {
            cluster.startAll(workers);
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private void startAll(int workerCount) throws Exception {
        zookeeper = own(new TestingServer());
        observer = own(CuratorFrameworkFactory.builder()
                .connectString(zookeeper.getConnectString())
                .sessionTimeoutMs((int) session.toMillis())
                .connectionTimeoutMs(1_000)
                .namespace(ZkClusterConfig.DEFAULT_NAMESPACE)
                .retryPolicy(new ExponentialBackoffRetry(100, 5, 1_000))
                .build());
        observer.getConnectionStateListenable().addListener((client, state) -> connectionState = state);
        observer.start();
        observer.blockUntilConnected(30, TimeUnit.SECONDS);
        coordinator = own(TestingCoordinatorProcess.start("coordinator", dir, zookeeper.getConnectString(), session));
        coordinator.awaitServing();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(coordinator::leading);
        ensureWorkers(workerCount);
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    /** Starts workers until {@code count} processes live, and waits until all of them are registered. */
    void ensureWorkers(int count) {
        long alive = workers.stream().filter(WorkerProcess::isAlive).count();
        for (long i = alive; i < count; i++) {
            String id = "worker-" + nextWorker++;
            workers.add(own(WorkerProcess.start(id, dir, "256m", List.of(
                    "--zookeeper", zookeeper.getConnectString(),
                    "--session-timeout", session.toString(),
                    "--bind", "127.0.0.1",
                    "--advertise-host", "127.0.0.1",
                    "--port", "0",
                    "--duckdb-threads", "1",
                    "--data-dir", dir.toString()))));
        }
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(100)).until(() ->
                registrations().keySet().containsAll(aliveIds()));
    }

    private Set<String> aliveIds() {
        return workers.stream().filter(WorkerProcess::isAlive).map(WorkerProcess::id)
                .collect(Collectors.toSet());
    }

    /** SIGSTOP: the worker stands still, its ZooKeeper session runs out. */
    static void pause(WorkerProcess worker) throws Exception {
        signal(worker, "STOP");
    }

    /** SIGCONT. */
    static void resume(WorkerProcess worker) throws Exception {
        signal(worker, "CONT");
    }

    private static void signal(WorkerProcess worker, String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(worker.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + worker.pid() + " failed");
        }
    }

    /** Waits until the worker's log holds {@code text}; fails with the log's end otherwise. */
    static void awaitLog(WorkerProcess worker, String text, Duration atMost) throws Exception {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(worker.log()).contains(text));
        } catch (ConditionTimeoutException e) {
            String log = Files.readString(worker.log());
            throw new AssertionError("worker '" + worker.id() + "' did not log '" + text + "' within " + atMost
                    + "; its log ends with:\n" + log.substring(Math.max(0, log.length() - 12_000))
                    + "\nits threads:\n" + threads(worker), e);
        }
    }

    /** A thread dump of a live worker ({@code jstack}), for a failure message. */
    private static String threads(WorkerProcess worker) throws Exception {
        if (!worker.isAlive()) {
            return "(the process has ended)";
        }
        Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                Long.toString(worker.pid())).redirectErrorStream(true).start();
        String dump = new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jstack.waitFor(30, TimeUnit.SECONDS);
        return dump;
    }

    /** The worker processes started so far, the dead ones too. */
    List<WorkerProcess> workers() {
        return List.copyOf(workers);
    }

    WorkerProcess worker(String id) {
        return workers.stream().filter(worker -> worker.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * Every registered worker with the ZooKeeper session that holds its registration, read now
     * (call it only while ZooKeeper runs).
     */
    Map<String, Long> registrations() throws Exception {
        Map<String, Long> owners = new LinkedHashMap<>();
        if (observer.checkExists().forPath(WORKERS) == null) {
            return owners;
        }
        for (String id : observer.getChildren().forPath(WORKERS)) {
            Stat stat = observer.checkExists().forPath(WORKERS + "/" + id);
            if (stat != null) {
                owners.put(id, stat.getEphemeralOwner());
            }
        }
        return owners;
    }

    /** The ZooKeeper session id of this test's own client (or empty while it has none). */
    Optional<Long> observerSession() throws Exception {
        return Optional.of(observer.getZookeeperClient().getZooKeeper().getSessionId()).filter(id -> id != 0);
    }

    /** What the test's own ZooKeeper client last heard of its connection. */
    ConnectionState connectionState() {
        return connectionState;
    }

    /** Stops ZooKeeper; its data (and the sessions in it) stays for {@link #restartZooKeeper()}. */
    void stopZooKeeper() throws Exception {
        zookeeper.stop();
    }

    /** Starts ZooKeeper again on the same port with the same data. */
    void restartZooKeeper() throws Exception {
        zookeeper.restart();
    }

    TestingCoordinatorProcess coordinator() {
        return coordinator;
    }

    CoordinatorClient client() {
        return coordinator.client();
    }

    Path dir() {
        return dir;
    }

    Duration session() {
        return session;
    }

    /** Writes a pipeline file and submits it; fails unless the coordinator accepts it. */
    JsonNode submit(String name, String yaml) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml);
        CoordinatorClient.ApiResponse response = client().submit(file, name, yaml);
        if (response.status() != 201) {
            throw new AssertionError("submit of '" + name + "' answered " + response.status() + ": " + response.body());
        }
        return response.body();
    }

    /** Polls the pipeline's view (every 20 ms, up to {@code atMost}) until {@code condition} holds; returns it. */
    JsonNode awaitView(String name, Duration atMost, Predicate<JsonNode> condition) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(atMost).pollInterval(Duration.ofMillis(20)).until(() -> {
            CoordinatorClient.ApiResponse response = client().get(name);
            if (response.status() != 200) {
                return false;
            }
            last[0] = response.body();
            return condition.test(last[0]);
        });
        return last[0];
    }

    /** Waits until the pipeline ended (SUCCEEDED, FAILED or CANCELLED), up to 2 minutes. */
    JsonNode awaitEnd(String name) {
        return awaitView(name, Duration.ofMinutes(2), view -> TERMINAL.contains(view.path("state").asText()));
    }

    @Override
    public void close() throws Exception {
        AutoCloseables.close(resources);
        resources.clear();
    }
}
