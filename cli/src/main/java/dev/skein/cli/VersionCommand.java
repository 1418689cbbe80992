package dev.skein.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(mixinStandardHelpOptions = true, name = "version", description = "Print Skein's version and the Java that runs it.")
final class VersionCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().getOut().println(Main.VERSION + " (Java " + Runtime.version() + ")");
        spec.commandLine().getOut().flush();
    }
}
