package dev.skein.tests;

import dev.skein.testing.TestingPipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.WorkerProcess;
import dev.skein.cluster.ZkClusterConfig;
import dev.skein.coordinator.CoordinatorConfig;
import dev.skein.coordinator.CoordinatorNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import dev.skein.spec.DataRoots;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM stops a node within seconds, whatever ZooKeeper's state; skein run takes its workers along. */
class TestShutdown {
    private static final Duration STOP_WITHIN = Duration.ofSeconds(10);
    private static final String ENDLESS = """
            name: endless
            source:
              type: generate
              sql: SELECT i AS id FROM range(2000000000) t(i)
            stages:
              - name: pass
                sql: SELECT id FROM input
            sinks:
              - type: count
            """;

    @TempDir
    Path dir;

    @Test
    void workerAndCoordinatorStopWhenZooKeeperIsGone() throws Exception {
        try (TestingServer zookeeper = new TestingServer()) {
            ZkClusterConfig zk = ZkClusterConfig.of(zookeeper.getConnectString());
            CoordinatorNode coordinator =
                    CoordinatorNode.start(new CoordinatorConfig("coordinator", "127.0.0.1", 0, 0, zk, Optional.empty(),
                            DataRoots.of(List.of(dir))));
            try (WorkerProcess worker = WorkerProcess.start("worker-1", dir, "256m", List.of(
                    "--zookeeper", zookeeper.getConnectString(),
                    "--bind", "127.0.0.1",
                    "--advertise-host", "127.0.0.1",
                    "--port", "0"))) {
                CoordinatorClient rest = new CoordinatorClient("http://127.0.0.1:" + coordinator.httpPort());
                Path file = TestingPipelines.write(dir, "endless.yaml", ENDLESS);
                // The worker registers by itself; until then the coordinator answers NO_WORKERS.
                CoordinatorClient.ApiResponse[] submitted = new CoordinatorClient.ApiResponse[1];
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> (submitted[0] = rest.submit(file, "endless", ENDLESS)).status() != 503);
                assertThat(submitted[0].status()).as("submit answered %s", submitted[0].body()).isEqualTo(201);
                // Its tasks now write their progress to ZooKeeper every half second.
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        rest.get("endless").body().path("stages").get(1).path("rowsOut").asLong() > 0);

                zookeeper.stop();
                // Reads answer from the coordinator's copy while ZooKeeper is gone.
                CoordinatorClient.ApiResponse cached = rest.get("endless");
                assertThat(cached.status()).as("answer %s", cached.body()).isEqualTo(200);
                assertThat(cached.body().path("state").asText()).isEqualTo("RUNNING");
                assertThat(rest.list().status()).isEqualTo(200);
                long started = System.nanoTime();
                coordinator.close();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(STOP_WITHIN);

                worker.terminate();
                assertThat(worker.awaitExit(STOP_WITHIN))
                        .as("worker stopped within %s of SIGTERM; log %s", STOP_WITHIN, worker.log())
                        .isTrue();
            } finally {
                coordinator.close();
            }
        }
    }

    @Test
    void skeinRunStopsItsWorkersOnSigterm() throws Exception {
        Path file = TestingPipelines.write(dir, "endless.yaml", ENDLESS);
        Process run = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        WorkerProcess.ADD_OPENS,
                        "-cp", System.getProperty("java.class.path"),
                        "dev.skein.cli.Main", "run", file.toString(), "--workers", "2", "--worker-heap", "256m")
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Files.createFile(dir.resolve("stdin")).toFile()))
                .start();
        try {
            List<String> output = new ArrayList<>();
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(run.getInputStream(), StandardCharsets.UTF_8))) {
                // "cluster up" is printed once every worker has registered in ZooKeeper.
                String line;
                while ((line = lines.readLine()) != null && !line.startsWith("cluster up")) {
                    output.add(line);
                }
                assertThat(line).as("skein run printed %s", output).isNotNull();
                List<ProcessHandle> workers = run.children().toList();
                assertThat(workers).hasSize(2);

                run.destroy();
                assertThat(run.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
                for (ProcessHandle worker : workers) {
                    // Not our child: its exit is seen once whoever reaps it has done so.
                    worker.onExit().get(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS);
                    assertThat(worker.isAlive()).as("worker process %s", worker.pid()).isFalse();
                }
            }
        } finally {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
            run.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
