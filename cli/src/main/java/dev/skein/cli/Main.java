package dev.skein.cli;

import java.io.PrintWriter;
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
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        skipArrowBoundsChecks();
        // Over System.out itself, so that checkError() sees a closed pipe (`skein tap ... | head`).
        System.exit(commandLine().setOut(new PrintWriter(System.out, true)).execute(args));
    }

    /**
     * Arrow checks the bounds and reference count of every buffer access unless told otherwise;
     * on the exchange's hot loops (hash split, column gather) that was a third of a worker's Java
     * time. Buffers from outside (DoPut, DoExchange) are validated against their bodies when they
     * arrive, so no access can stray. Must run before any Arrow class loads; an explicit setting
     * (system property or ARROW_ENABLE_UNSAFE_MEMORY_ACCESS) wins.
     */
    static void skipArrowBoundsChecks() {
        if (System.getProperty("arrow.enable_unsafe_memory_access") == null
                && System.getenv("ARROW_ENABLE_UNSAFE_MEMORY_ACCESS") == null) {
            System.setProperty("arrow.enable_unsafe_memory_access", "true");
        }
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
