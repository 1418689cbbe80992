package dev.skein.cli;

import java.io.PrintWriter;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code skein} command. Exit codes: 0 success, 1 failed pipeline or invalid spec, 2 usage. */
@Command(
        name = "skein",
        mixinStandardHelpOptions = true,
        version = Main.VERSION,
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
            WorkersCommand.class,
            TopCommand.class,
            CancelCommand.class,
            DeleteCommand.class,
            TapCommand.class,
            BenchCommand.class,
            PingCommand.class,
            HashPasswordCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {
    public static final String VERSION = "skein 0.1.0";
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

    @Spec
    CommandSpec spec;

    /** Applies at once, before the subcommand runs; every subcommand takes it (inherited). */
    @Option(names = "--log-level", paramLabel = "LEVEL", scope = ScopeType.INHERIT,
            description = "error, warn, info (default), debug or trace: Skein's own log, on stderr")
    void logLevel(String level) {
        Level parsed = Level.toLevel(level, null);
        if (parsed == null) {
            throw new ParameterException(spec.commandLine(),
                    "--log-level must be one of error, warn, info, debug, trace, off; got '" + level + "'");
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger("dev.skein").setLevel(parsed);
        if (parsed.toInt() < Level.INFO_INT) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(parsed);
        }
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.err);
    }
}
