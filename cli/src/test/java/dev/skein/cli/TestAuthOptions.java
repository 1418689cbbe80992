package dev.skein.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.cluster.auth.PasswordFile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's authentication options, refused before anything starts when they make no sense. */
class TestAuthOptions {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int skein(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void secretFileWithoutAuthIsAUsageError() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "0123456789abcdef0123");

        assertThat(skein("worker", "--zookeeper", "127.0.0.1:1", "--secret-file", secret.toString()))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).startsWith("--secret-file and --users-file need --auth\n");
    }

    @Test
    void shortSecretStopsTheNodeBeforeItStarts() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "too short");

        assertThat(skein("coordinator", "--zookeeper", "127.0.0.1:1", "--auth", "--secret-file", secret.toString()))
                .isEqualTo(Main.EXIT_FAILED);
        assertThat(err.toString()).isEqualTo("error: " + secret + ": the cluster secret has 9 bytes; it needs at"
                + " least 16 (for example: head -c 32 /dev/urandom | base64)\n");
    }

    @Test
    void passwordWithoutUserIsAUsageError() {
        assertThat(skein("status", "--coordinator", "http://127.0.0.1:1", "--password", "x")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).startsWith("--password (or SKEIN_PASSWORD) needs --user\n");
    }

    @Test
    void hashPasswordPrintsALineTheUsersFileAccepts() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("wonder land\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(skein("hash-password", "alice", "--iterations", "1000")).isZero();
        } finally {
            System.setIn(stdin);
        }

        String line = out.toString().strip();
        assertThat(line).startsWith("alice:$pbkdf2-sha256$1000$").doesNotContain("wonder");
        PasswordFile users = PasswordFile.parse("users", List.of(line));
        assertThat(users.authenticate("alice", "wonder land")).isTrue();
        assertThat(users.authenticate("alice", "wonderland")).isFalse();
    }

    @Test
    void hashPasswordRefusesAUserNameWithAColon() {
        assertThat(skein("hash-password", "a:b")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).isEqualTo("error: USER must be non-empty without ':', and --iterations positive\n");
    }
}
