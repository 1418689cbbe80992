package dev.skein.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command answers --help and -h with its usage and exit 0, and 'skein help CMD' does too. */
class TestHelp {
    @Test
    void everyCommandPrintsItsUsage() {
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            for (String flag : new String[] {"--help", "-h"}) {
                StringWriter out = new StringWriter();
                CommandLine commandLine = Main.commandLine();
                commandLine.setOut(new PrintWriter(out));

                int exit = commandLine.execute(name, flag);

                assertThat(exit).as("skein %s %s", name, flag).isZero();
                assertThat(out.toString()).as("skein %s %s", name, flag).contains("Usage: skein " + name);
            }
        }
    }

    @Test
    void helpNamesACommand() {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out));

        assertThat(commandLine.execute("help", "status")).isZero();
        assertThat(out.toString()).startsWith("Usage: skein status");
    }
}
