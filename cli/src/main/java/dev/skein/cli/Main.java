package dev.skein.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code skein} command. Exit codes: 0 success, 1 failed pipeline or invalid spec, 2 usage. */
@Command(
        name = "skein",
        mixinStandardHelpOptions = true,
        version = "skein 0.1.0",
        description = "Streams Arrow data through chains of DuckDB-backed Flight nodes.",
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            ValidateCommand.class,
            ZooKeeperCommand.class,
            CoordinatorCommand.class,
            WorkerCommand.class,
            SubmitCommand.class,
            StatusCommand.class,
            CancelCommand.class,
            TapCommand.class,
            BenchCommand.class,
            PingCommand.class,
            HashPasswordCommand.class,
        })
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The parser with every subcommand, also used by tests that check deployment files. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("error: " + e.getMessage());
                    return EXIT_FAILED;
                });
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.err);
    }
}
