package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.WorkerProcess;
import dev.skein.testing.TestingPipelines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinator processes, one leading: a leader paused past its session is replaced and, once
 * resumed, stops leading and forwards what it is sent (a pipeline is never accepted twice); a
 * leader killed with -9 mid-pipeline is replaced by the standby, which adopts the running pipeline
 * without restarting it and commits it, output exact.
 */
class TestCoordinatorFailover {
    private static final Duration SESSION = Duration.ofSeconds(2);
    private static final long ROWS = 8_000_000;
    private static final String EXPECTED = TestingPipelines.middleAndKeepExpected(ROWS);
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final String INBOX = """
            name: inbox
            source:
              type: ingest
              schema:
                id: BIGINT
            stages:
              - name: pass
                sql: SELECT id FROM input
            sinks:
              - type: count
            """;

    @TempDir
    Path dir;

    @Test
    void aStandbyTakesOverFromAPausedAndFromAKilledLeader() throws Exception {
        try (TestingServer zookeeper = new TestingServer();
                TestingCoordinatorProcess first = TestingCoordinatorProcess.start("coord-a", dir, zookeeper.getConnectString(), SESSION);
                TestingCoordinatorProcess second = TestingCoordinatorProcess.start("coord-b", dir, zookeeper.getConnectString(), SESSION);
                WorkerProcess w1 = worker("worker-1", zookeeper);
                WorkerProcess w2 = worker("worker-2", zookeeper)) {
            first.awaitServing();
            second.awaitServing();
            await().atMost(Duration.ofSeconds(30)).until(() -> first.leading() || second.leading());
            // Started together: either may lead.
            TestingCoordinatorProcess a = first.leading() ? first : second;
            TestingCoordinatorProcess b = a == first ? second : first;
            assertThat(b.leading()).as("a second coordinator stands by, and answers").isFalse();
            assertThat(b.client().leader().body().path("leader").path("coordinatorId").asText()).isEqualTo(a.id());

            // Submitted to the standby: forwarded to the leader, accepted once.
            Path inbox = TestingPipelines.write(dir, "inbox.yaml", INBOX);
            CoordinatorClient.ApiResponse[] submitted = new CoordinatorClient.ApiResponse[1];
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    (submitted[0] = b.client().submit(inbox, "inbox", INBOX)).status() != 503);
            assertThat(submitted[0].status()).as("submit answered %s", submitted[0].body()).isEqualTo(201);
            long inboxEpoch = submitted[0].body().path("epoch").asLong();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    a.client().get("inbox").body().path("state").asText().equals("RUNNING"));

            // Pause the leader past its session: the standby takes over.
            long pausedAt = System.nanoTime();
            a.pause();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(b::leading);
            long pauseGap = (System.nanoTime() - pausedAt) / 1_000_000;
            assertThat(b.client().get("inbox").body().path("state").asText()).isEqualTo("RUNNING");

            // Resumed, the old leader stops leading at once and forwards what it is sent.
            long resumedAt = System.nanoTime();
            a.resume();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> !a.leading());
            long stepDown = (System.nanoTime() - resumedAt) / 1_000_000;
            assertThat(a.client().leader().body().path("leader").path("coordinatorId").asText()).isEqualTo(b.id());
            CoordinatorClient.ApiResponse again = a.client().submit(inbox, "inbox", INBOX);
            assertThat(again.status()).as("answer %s", again.body()).isEqualTo(409);
            assertThat(again.body().path("message").asText()).isEqualTo("pipeline 'inbox' is already RUNNING; cancel it first");
            assertThat(a.client().finishIngest("inbox").status()).isEqualTo(200);
            JsonNode inboxEnd = awaitEnd(a.client(), "inbox");
            assertThat(inboxEnd.path("state").asText()).as("view %s", inboxEnd).isEqualTo("SUCCEEDED");
            assertThat(inboxEnd.path("epoch").asLong()).isEqualTo(inboxEpoch);
            assertThat(inboxEnd.path("attempts").size()).isEqualTo(1);
            // A new pipeline sent to the deposed leader is forwarded and accepted once, by the leader.
            String secondYaml = INBOX.replace("name: inbox", "name: inbox-two");
            Path secondFile = TestingPipelines.write(dir, "inbox-two.yaml", secondYaml);
            CoordinatorClient.ApiResponse viaOld = a.client().submit(secondFile, "inbox-two", secondYaml);
            assertThat(viaOld.status()).as("answer %s", viaOld.body()).isEqualTo(201);
            assertThat(a.client().submit(secondFile, "inbox-two", secondYaml).status()).isEqualTo(409);
            assertThat(b.client().submit(secondFile, "inbox-two", secondYaml).status()).isEqualTo(409);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    b.client().get("inbox-two").body().path("state").asText().equals("RUNNING"));
            assertThat(a.client().finishIngest("inbox-two").status()).isEqualTo(200);
            JsonNode secondEnd = awaitEnd(b.client(), "inbox-two");
            assertThat(secondEnd.path("state").asText()).as("view %s", secondEnd).isEqualTo("SUCCEEDED");
            assertThat(secondEnd.path("epoch").asLong()).isEqualTo(viaOld.body().path("epoch").asLong());
            assertThat(secondEnd.path("attempts").size()).isEqualTo(1);
            // Only the leader supervised them: the deposed one finished nothing.
            assertThat(Files.readString(b.log()))
                    .contains("pipeline 'inbox' SUCCEEDED", "pipeline 'inbox-two' SUCCEEDED");
            assertThat(Files.readString(a.log()))
                    .doesNotContain("pipeline 'inbox' SUCCEEDED")
                    .doesNotContain("pipeline 'inbox-two' SUCCEEDED");

            // Kill the leader (now b) mid-pipeline: a takes over and commits it, never restarting it.
            Path file = TestingPipelines.write(dir, "steady.yaml", TestingPipelines.middleAndKeep("steady", ROWS, ""));
            CoordinatorClient.ApiResponse steady = a.client().submit(file, "steady",
                    Files.readString(file));
            assertThat(steady.status()).as("submit answered %s", steady.body()).isEqualTo(201);
            long epoch = steady.body().path("epoch").asLong();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                    a.client().get("steady").body().path("stages").get(1).path("rowsOut").asLong() > 0);

            long killedAt = System.nanoTime();
            b.kill();
            JsonNode during = a.client().get("steady").body();
            long answeredIn = (System.nanoTime() - killedAt) / 1_000_000;
            assertThat(answeredIn).as("the standby answers REST at once").isLessThan(SESSION.toMillis());
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(a::leading);
            long killGap = (System.nanoTime() - killedAt) / 1_000_000;
            String stateAtTakeOver = a.client().get("steady").body().path("state").asText();
            JsonNode view = awaitEnd(a.client(), "steady");
            System.out.printf("failover: SIGSTOP -> standby leads in %d ms; SIGCONT -> old leader stands by in %d ms;"
                            + " kill -9 -> standby leads in %d ms (pipeline %s, state %s when killed, %s at take-over),"
                            + " standby REST answered in %d ms%n",
                    pauseGap, stepDown, killGap, view.path("state").asText(), during.path("state").asText(),
                    stateAtTakeOver, answeredIn);

            assertThat(view.path("state").asText()).as("view %s", view).isEqualTo("SUCCEEDED");
            assertThat(view.path("epoch").asLong()).as("adopted, not restarted").isEqualTo(epoch);
            assertThat(view.path("attempts").size()).isEqualTo(1);
            TestingPipelines.assertParquetEquals(dir.resolve("out/steady"), EXPECTED);
        }
    }

    private WorkerProcess worker(String id, TestingServer zookeeper) {
        return WorkerProcess.start(id, dir, "256m", List.of(
                "--zookeeper", zookeeper.getConnectString(),
                "--bind", "127.0.0.1",
                "--advertise-host", "127.0.0.1",
                "--port", "0",
                "--duckdb-threads", "1",
                "--data-dir", dir.toString()));
    }

    private static JsonNode awaitEnd(CoordinatorClient client, String name) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = client.get(name).body();
            return TERMINAL.contains(last[0].path("state").asText());
        });
        return last[0];
    }
}
