package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.local.WorkerProcess;
import dev.skein.testing.TestingPipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker faults on one cluster of real processes (coordinator, workers, ZooKeeper; 3 s sessions):
 * a paused worker that resumes as a zombie, several kills in one run, a user error. Each test
 * starts the workers it needs; the earlier tests' dead workers stay dead.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestWorkerFaults {
    private static final Duration SESSION = Duration.ofSeconds(3);

    @TempDir
    static Path dir;

    private static TestingFaultCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        long began = System.nanoTime();
        cluster = TestingFaultCluster.start(dir, SESSION, 4);
        System.out.printf("worker faults: cluster started in %d ms%n", (System.nanoTime() - began) / 1_000_000);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aPausedWorkerResumesAsAZombieWhoseStaleCallsAreRefused() throws Exception {
        cluster.ensureWorkers(4);
        long rows = 4_000_000;
        JsonNode submitted = cluster.submit("zombie",
                TestingPipelines.middleAndKeep("zombie", rows, "{attempts: 3, backoff: 250ms}"));
        long firstEpoch = submitted.path("epoch").asLong();
        JsonNode flowing = cluster.awaitView("zombie", Duration.ofSeconds(60), view ->
                view.path("stages").get(1).path("rowsOut").asLong() > 0);
        String victimId = flowing.path("stages").get(1).path("workers").get(0).asText();
        WorkerProcess victim = cluster.worker(victimId);

        long pausedAt = System.currentTimeMillis();
        TestingFaultCluster.pause(victim);
        JsonNode restarted;
        try {
            restarted = cluster.awaitView("zombie", Duration.ofSeconds(60), view ->
                    view.path("epoch").asLong() > firstEpoch
                            && view.path("state").asText().equals("RUNNING")
                            && !view.path("stages").toString().contains("\"" + victimId + "\""));
        } finally {
            TestingFaultCluster.resume(victim);
        }

        // Resumed, its tasks of the old epoch try to report and are refused; they stop by themselves.
        String refused = "its status write was refused: refused the status of task 1-0 of 'zombie': epoch " + firstEpoch
                + " is no longer the pipeline's";
        TestingFaultCluster.awaitLog(victim, refused, Duration.ofSeconds(30));
        JsonNode view = cluster.awaitEnd("zombie");
        assertThat(view.path("state").asText()).as("view %s", view).isEqualTo("SUCCEEDED");
        assertThat(view.path("epoch").asLong()).isEqualTo(restarted.path("epoch").asLong());
        JsonNode attempts = view.path("attempts");
        assertThat(attempts.size()).as("attempts %s", attempts).isEqualTo(2);
        assertThat(attempts.get(0).path("worker").asText()).isEqualTo(victimId);
        assertThat(attempts.get(0).path("cause").asText()).startsWith("worker '" + victimId + "' (");
        TestingPipelines.assertParquetEquals(dir.resolve("out/zombie"),
                TestingPipelines.middleAndKeepExpected(rows));
        // Membership heals: the resumed worker registers again under a new session.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.registrations().containsKey(victimId));
        System.out.printf("zombie: SIGSTOP -> epoch %d running elsewhere in %d ms; SIGCONT -> refused and stopped;"
                        + " recovery (failure seen -> running) %d ms%n",
                restarted.path("epoch").asLong(), attempts.get(1).path("runningAtMillis").asLong() - pausedAt,
                attempts.get(1).path("recoveryMillis").asLong());
    }

    @Test
    @Order(2)
    void severalKillsInOneRunCostOneAttemptEachAndTheOutputIsExact() throws Exception {
        cluster.ensureWorkers(6);
        long rows = 3_000_000;
        JsonNode submitted = cluster.submit("gauntlet", """
                name: gauntlet
                restart: {attempts: 4, backoff: 250ms}
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(%d) t(i)
                stages:
                  - name: triple
                    sql: SELECT id, id * 3 AS v FROM input
                    parallelism: 2
                  - name: keep
                    mode: final
                    sql: SELECT id, v FROM input WHERE id %% 7 = 1 ORDER BY id
                sinks:
                  - type: parquet
                    path: out/gauntlet
                """.formatted(rows));
        List<String> victims = new ArrayList<>();
        List<Long> killedAt = new ArrayList<>();
        long epoch = submitted.path("epoch").asLong();

        // 1: while the source runs.
        JsonNode view = awaitEpoch(epoch, running -> running.path("stages").get(0).path("rowsOut").asLong() > 0);
        kill(view.path("stages").get(0).path("workers").get(0).asText(), victims, killedAt);
        // 2: right after the restart, as soon as every task of the new epoch runs.
        view = awaitEpoch(epoch + 1, TestWorkerFaults::everyTaskRunning);
        epoch = view.path("epoch").asLong();
        kill(view.path("stages").get(1).path("workers").get(0).asText(), victims, killedAt);
        // 3: inside the final stage, while it takes in its input.
        view = awaitEpoch(epoch + 1, running -> running.path("stages").get(2).path("rowsIn").asLong() > 0);
        epoch = view.path("epoch").asLong();
        kill(view.path("stages").get(2).path("workers").get(0).asText(), victims, killedAt);

        JsonNode end = cluster.awaitEnd("gauntlet");
        assertThat(end.path("state").asText()).as("view %s", end).isEqualTo("SUCCEEDED");
        JsonNode attempts = end.path("attempts");
        assertThat(attempts.size()).as("attempts %s", attempts).isEqualTo(victims.size() + 1);
        List<Long> recoveries = new ArrayList<>();
        for (int i = 0; i < victims.size(); i++) {
            assertThat(attempts.get(i).path("worker").asText()).as("attempt %d", i + 1).isEqualTo(victims.get(i));
            assertThat(attempts.get(i).path("cause").asText()).startsWith("worker '" + victims.get(i) + "' (");
            assertThat(attempts.get(i + 1).path("epoch").asLong()).isGreaterThan(attempts.get(i).path("epoch").asLong());
            recoveries.add(attempts.get(i + 1).path("runningAtMillis").asLong() - killedAt.get(i));
        }
        assertThat(recoveries).allMatch(millis -> millis > 0);
        TestingPipelines.assertParquetEquals(dir.resolve("out/gauntlet"),
                TestingPipelines.middleAndKeepExpected(rows));
        List<Long> sorted = recoveries.stream().sorted().toList();
        System.out.printf("several kills: kill -> every task of the next epoch running: %s ms (p50 %d, max %d)%n",
                recoveries, sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
    }

    @Test
    @Order(3)
    void aSqlErrorIsNotRetried() throws Exception {
        cluster.ensureWorkers(2);
        cluster.submit("refuses", """
                name: refuses
                restart: {attempts: 3, backoff: 250ms}
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(100000) t(i)
                stages:
                  - name: check
                    sql: SELECT id, CASE WHEN id = 4242 THEN error('id ' || id || ' is not allowed') END AS never FROM input
                """);
        JsonNode view = cluster.awaitEnd("refuses");
        assertThat(view.path("state").asText()).as("view %s", view).isEqualTo("FAILED");
        assertThat(view.path("attempts").size()).as("attempts %s", view.path("attempts")).isEqualTo(1);
        assertThat(view.path("failure").asText()).startsWith("stage 'check'").contains("id 4242 is not allowed");
    }

    /**
     * kill -9 of a sink worker while the pipeline commits. A parquet sink's commit is a few renames;
     * the table sink next to it (its rows inserted, and the previous table copied, inside the
     * commit) keeps the commit phase open for a few hundred milliseconds, so the kill lands in it.
     */
    @Test
    @Order(4)
    void aKillDuringTheCommitLeavesExactlyTheRestartedRunsOutput() throws Exception {
        cluster.ensureWorkers(4);
        long rows = 2_000_000;
        String pipeline = """
                name: commitkill
                restart: {attempts: 2, backoff: 250ms}
                source:
                  type: generate
                  sql: SELECT i AS id FROM range(%d) t(i)
                stages:
                  - name: scale
                    sql: SELECT id, id * %d AS v FROM input
                    parallelism: 2
                sinks:
                  - type: parquet
                    path: out/commitkill
                  - type: duckdb
                    table: commitkill
                """;
        JsonNode previous = cluster.submit("commitkill", pipeline.formatted(rows, 2));
        assertThat(cluster.awaitEnd("commitkill").path("state").asText()).isEqualTo("SUCCEEDED");
        Path out = dir.resolve("out/commitkill");

        long epoch = cluster.submit("commitkill", pipeline.formatted(rows, 3)).path("epoch").asLong();
        assertThat(epoch).isGreaterThan(previous.path("epoch").asLong());
        JsonNode committing = cluster.awaitView("commitkill", Duration.ofSeconds(120), view ->
                view.path("epoch").asLong() > epoch || view.path("state").asText().equals("COMMITTING")
                        || view.path("state").asText().equals("SUCCEEDED"));
        boolean hit = committing.path("epoch").asLong() == epoch && committing.path("state").asText().equals("COMMITTING");
        long killedAt = System.currentTimeMillis();
        String victim = committing.path("stages").get(1).path("workers").get(0).asText();
        cluster.worker(victim).kill();

        JsonNode end = cluster.awaitEnd("commitkill");
        long endedAt = System.currentTimeMillis();
        assertThat(end.path("state").asText()).as("view %s", end).isEqualTo("SUCCEEDED");
        TestingPipelines.assertParquetEquals(out, "SELECT i AS id, i * 3 AS v FROM range(" + rows + ") t(i)");
        // Killed before every task committed and the coordinator saw it: restarted once. Killed
        // after: the pipeline had succeeded.
        JsonNode attempts = end.path("attempts");
        System.out.printf("kill during commit: seen %s, %s; kill -> SUCCEEDED in %d ms%n",
                hit ? "COMMITTING" : committing.path("state").asText(),
                attempts.size() == 2 ? "restarted as epoch " + end.path("epoch").asLong() : "not restarted",
                endedAt - killedAt);
        assertThat(attempts.size()).as("attempts %s", attempts).isBetween(1, 2);
        if (attempts.size() == 2) {
            assertThat(attempts.get(0).path("cause").asText()).startsWith("worker '" + victim + "' (");
        }
        // Files.walk may meet a file a releasing worker is deleting: look again.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().untilAsserted(() ->
                assertThat(hidden(out)).as("staging left in %s", out).isEmpty());
    }

    /** Every file and directory under a sink's directory's staging directories. */
    private static List<String> hidden(Path directory) throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.map(path -> directory.relativize(path).toString()).filter(name -> name.startsWith(".staging-"))
                    .sorted().toList();
        }
    }

    private static JsonNode awaitEpoch(long atLeast, Predicate<JsonNode> condition) {
        return cluster.awaitView("gauntlet", Duration.ofSeconds(90), view ->
                view.path("epoch").asLong() >= atLeast && view.path("state").asText().equals("RUNNING")
                        && condition.test(view));
    }

    private static boolean everyTaskRunning(JsonNode view) {
        for (JsonNode stage : view.path("stages")) {
            for (JsonNode state : stage.path("states")) {
                if (!state.asText().equals("RUNNING")) {
                    return false;
                }
            }
        }
        return true;
    }

    private static void kill(String workerId, List<String> victims, List<Long> killedAt) {
        killedAt.add(System.currentTimeMillis());
        cluster.worker(workerId).kill();
        victims.add(workerId);
    }
}
