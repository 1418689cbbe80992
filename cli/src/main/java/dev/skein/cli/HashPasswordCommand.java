package dev.skein.cli;

import dev.skein.cluster.auth.PasswordHash;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints a users-file line with the password hashed, so the file holds no password. */
@Command(mixinStandardHelpOptions = true, name = "hash-password", description = "Print a users-file line 'USER:$pbkdf2-sha256$...' for --users-file;"
        + " the password is read from the terminal, or from the first line of standard input.")
final class HashPasswordCommand implements Callable<Integer> {
    @Parameters(paramLabel = "USER", description = "the user name (no ':')")
    String user;

    @Option(names = "--iterations", defaultValue = "" + PasswordHash.DEFAULT_ITERATIONS,
            description = "PBKDF2 rounds (default ${DEFAULT-VALUE}); each login costs this many")
    int iterations;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (user.isEmpty() || user.contains(":") || iterations < 1) {
            err.println("error: USER must be non-empty without ':', and --iterations positive");
            return Main.EXIT_USAGE;
        }
        String password = readPassword();
        if (password == null || password.isEmpty()) {
            err.println("error: no password given");
            return Main.EXIT_USAGE;
        }
        spec.commandLine().getOut().println(user + ":" + PasswordHash.of(password, iterations).encode());
        return Main.EXIT_OK;
    }

    private String readPassword() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] first = console.readPassword("password for %s: ", user);
            char[] again = console.readPassword("again: ");
            if (first == null || again == null) {
                return null;
            }
            if (!new String(first).equals(new String(again))) {
                throw new IOException("the two passwords differ");
            }
            return new String(first);
        }
        return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
