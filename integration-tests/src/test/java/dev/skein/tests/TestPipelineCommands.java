package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.cli.Main;
import dev.skein.cli.local.LocalCluster;
import dev.skein.testing.TestingPipelines;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** submit --wait --output json, status --output json, cancel of a finished pipeline, delete: as a script sees them. */
class TestPipelineCommands {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static LocalCluster cluster;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCluster() {
        cluster = LocalCluster.start(1, "256m", 1);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    /** Runs one command; System.out and System.err are captured since the REST commands print there. */
    private static Result skein(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        StringWriter picocliErr = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.commandLine().setErr(new PrintWriter(picocliErr, true)).execute(args);
            return new Result(exit, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8) + picocliErr);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    record Result(int exit, String out, String err) {}

    @Test
    void aScriptSubmitsReadsCancelsAndDeletes() throws Exception {
        Path file = TestingPipelines.write(dir, "small.yaml", """
                name: small
                source:
                  type: generate
                  sql: SELECT i AS id, DATE '2025-01-01' + i::INTEGER AS day FROM range(3) t(i)
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                sinks:
                  - type: count
                """);
        String coordinator = cluster.coordinatorUrl().replaceFirst("^http://", "");

        Result submitted = skein("submit", file.toString(), "--coordinator", coordinator, "--wait", "--output", "json");
        assertThat(submitted.exit()).as(submitted.err()).isZero();
        JsonNode view = MAPPER.readTree(submitted.out());
        assertThat(view.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(view.path("result").path("rows").toString())
                .isEqualTo("[[0,\"2025-01-01\"],[1,\"2025-01-02\"],[2,\"2025-01-03\"]]");

        Result status = skein("status", "small", "--coordinator", cluster.coordinatorUrl(), "-o", "json");
        assertThat(status.exit()).isZero();
        assertThat(MAPPER.readTree(status.out()).path("name").asText()).isEqualTo("small");

        Result cancel = skein("cancel", "small", "--coordinator", coordinator);
        assertThat(cancel.exit()).isEqualTo(1);
        assertThat(cancel.err()).isEqualTo("error: pipeline 'small' already ended: SUCCEEDED" + System.lineSeparator());

        Result delete = skein("delete", "small", "--coordinator", coordinator);
        assertThat(delete.exit()).as(delete.err()).isZero();
        assertThat(delete.out()).isEqualTo("pipeline 'small' (SUCCEEDED) removed" + System.lineSeparator());

        Result list = skein("status", "--coordinator", coordinator, "--output", "json");
        assertThat(list.exit()).isZero();
        assertThat(MAPPER.readTree(list.out()).toString()).isEqualTo("[]");

        Result again = skein("delete", "small", "--coordinator", coordinator);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("error: no pipeline named 'small'" + System.lineSeparator());
    }
}
