package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import dev.skein.cluster.WorkerInfo;
import dev.skein.cluster.ZkCluster;
import dev.skein.cluster.ZkClusterConfig;
import dev.skein.cluster.ZkWorkerRegistry;
import dev.skein.testing.TestingPipelines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Python snippet of the README, run as written with the machine's python3 and pyarrow (only
 * the ports change: the test's nodes listen on free ones). Skips, saying so, where python3 has no
 * pyarrow.flight.
 */
class TestReadmeSnippets {
    private static final Pattern PYTHON = Pattern.compile("```python\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path dir;

    @Test
    void everyPythonSnippetRunsAsWritten() throws Exception {
        assumeTrue(run("import pyarrow.flight").exit() == 0,
                "skipped: python3 with pyarrow (and pyarrow.flight) is not installed here");
        List<String> snippets = new ArrayList<>();
        Matcher matcher = PYTHON.matcher(Files.readString(Path.of("..", "README.md")));
        List<String> adbc = new ArrayList<>();
        while (matcher.find()) {
            (matcher.group(1).contains("import adbc_driver_flightsql") ? adbc : snippets).add(matcher.group(1));
        }
        // The ADBC snippet ("SQL clients") needs the adbc_driver_flightsql package, which this build
        // cannot install (no PyPI); the JDBC driver covers Flight SQL in TestSqlClients.
        assertThat(adbc).hasSize(1);
        if (run("import adbc_driver_flightsql").exit() != 0) {
            System.err.println("TestReadmeSnippets: the ADBC snippet is not run: adbc_driver_flightsql is not installed");
        }
        assertThat(snippets).hasSize(4);
        String authenticated = snippets.remove(3);

        try (LocalCluster cluster = LocalCluster.start(1, "256m", 1)) {
            String coordinator = cluster.coordinatorFlightAddress();
            Path tapped = TestingPipelines.write(dir, "w1.yaml", W1);
            CoordinatorClient rest = new CoordinatorClient(cluster.coordinatorUrl());
            tapRunningW1(rest, tapped, snippets.get(0).replace("localhost:8816", coordinator));

            Path ingest = TestingPipelines.write(dir, "events.yaml", """
                    name: events
                    source:
                      type: ingest
                      schema:
                        id: BIGINT
                        writer: INTEGER
                    stages:
                      - name: pass
                        sql: SELECT * FROM input
                    sinks:
                      - type: count
                    """);
            assertThat(TestingPipelines.submit(cluster, ingest).status()).isEqualTo(201);
            Run ingested = run(snippets.get(2).replace("localhost:8816", coordinator));
            assertThat(ingested.exit()).as(ingested.err()).isZero();
            assertThat(ingested.out()).isEqualTo("{\"ingested\":2}\n");
            assertThat(TestingPipelines.awaitEnd(cluster, "events").path("state").asText()).isEqualTo("SUCCEEDED");
        }

        // The worker snippet's query needs --allow-sql: one worker of its own, as the README starts it.
        Process worker = null;
        try (TestingServer zookeeper = new TestingServer();
                ZkCluster cluster = ZkCluster.connect(ZkClusterConfig.of(zookeeper.getConnectString()));
                ZkWorkerRegistry registry = cluster.workerRegistry().start()) {
            worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx192m", "-XX:MaxDirectMemorySize=128m", "-cp",
                    System.getProperty("java.class.path"), "dev.skein.cli.Main", "worker", "--zookeeper",
                    zookeeper.getConnectString(), "--port", "0", "--bind", "127.0.0.1", "--advertise-host",
                    "127.0.0.1", "--duckdb-memory", "128MB", "--allow-sql")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("worker.log").toFile())
                    .start();
            await().atMost(Duration.ofSeconds(120)).until(() -> registry.liveWorkers().size() == 1);
            WorkerInfo info = registry.liveWorkers().get(0);

            Run tables = run(snippets.get(1).replace("localhost:8815", "127.0.0.1:" + info.flightPort()));
            assertThat(tables.exit()).as(tables.err()).isZero();
            assertThat(tables.out()).startsWith("{\"table\":\"events\",\"rows\":1000}\npyarrow.Table\n")
                    .contains("[[1000]]");
        } finally {
            if (worker != null) {
                worker.destroy();
                worker.waitFor(30, TimeUnit.SECONDS);
            }
        }

        // The authenticated tap, on a cluster with --auth: its own user stands for alice.
        try (LocalCluster cluster = LocalCluster.start(1, "256m", 1, java.util.Optional.empty(), true)) {
            var login = cluster.login().orElseThrow();
            Path tapped = TestingPipelines.write(dir, "w1.yaml", W1);
            tapRunningW1(cluster.coordinatorClient(), tapped, authenticated
                    .replace("coord:8816", cluster.coordinatorFlightAddress())
                    .replace("\"alice\"", "\"" + login.user() + "\"")
                    .replace("\"wonderland\"", "\"" + login.password() + "\""));
        }
    }

    private static final String W1 = """
            name: w1
            source:
              type: generate
              sql: SELECT i AS id, 'c' || (i % 8) AS category FROM range(2000000000) t(i)
            stages:
              - name: enrich
                sql: SELECT *, id % 100 AS bucket FROM input
            sinks:
              - type: count
            """;

    /** Runs a tap snippet while an endless W1-shaped pipeline runs, then cancels it. */
    private void tapRunningW1(CoordinatorClient rest, Path file, String snippet) throws Exception {
        assertThat(rest.submit(file, "w1", Files.readString(file)).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(90)).until(() ->
                rest.get("w1").body().path("stages").get(1).path("rowsOut").asLong() > 0);

        Run tap = run(snippet);
        assertThat(tap.exit()).as(tap.err()).isZero();
        assertThat(tap.out()).startsWith("pyarrow.Table\nid: int64\ncategory: string\nbucket: int64\n");
        assertThat(rest.cancel("w1").body().path("state").asText()).isEqualTo("CANCELLED");
    }

    private record Run(int exit, String out, String err) {}

    private Run run(String python) throws IOException, InterruptedException {
        Path script = Files.createTempFile(dir, "snippet", ".py");
        Files.writeString(script, python);
        Process process = new ProcessBuilder("python3", script.toString())
                .redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile())
                .start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("python3 %s", script).isTrue();
        return new Run(process.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }
}
