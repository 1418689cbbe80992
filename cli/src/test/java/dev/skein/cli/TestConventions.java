package dev.skein.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Conventions every command shares: a version command, --log-level everywhere. */
class TestConventions {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int skein(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void versionNamesSkeinAndItsJava() {
        assertThat(skein("version")).isZero();
        assertThat(out.toString()).isEqualTo("skein 0.1.0 (Java " + Runtime.version() + ")" + System.lineSeparator());
    }

    @Test
    void everyCommandTakesALogLevelAndRefusesAnUnknownOne() {
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            assertThat(skein(name, "--log-level", "warn", "--help")).as("skein %s --log-level warn", name).isZero();
        }
        assertThat(skein("version", "--log-level", "loud")).isEqualTo(2);
        assertThat(err.toString()).startsWith(
                "--log-level must be one of error, warn, info, debug, trace, off; got 'loud'");
    }
}
