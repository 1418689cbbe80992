package dev.skein.cli;

import dev.skein.cli.client.ClientCredentials;
import dev.skein.cluster.auth.ClusterKey;
import java.io.Console;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How a client command authenticates to a cluster with {@code --auth}: {@code --user} and {@code
 * --password} (or {@code SKEIN_USER} and {@code SKEIN_PASSWORD}; the password is asked for on the
 * terminal when missing); without a user, the cluster secret in {@code SKEIN_SECRET} if set (as
 * on a cluster node, for health checks); otherwise nothing.
 */
final class LoginOptions {
    static final String SECRET_VARIABLE = "SKEIN_SECRET";

    @Option(names = "--user", defaultValue = "${env:SKEIN_USER}",
            description = "user to log in as, for a cluster with --auth (default: $SKEIN_USER)")
    String user;

    @Option(names = "--password", defaultValue = "${env:SKEIN_PASSWORD}",
            description = "that user's password (default: $SKEIN_PASSWORD, else asked for on the terminal)")
    String password;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    ClientCredentials credentials() {
        if (user == null || user.isEmpty()) {
            if (password != null && !password.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--password (or SKEIN_PASSWORD) needs --user");
            }
            String secret = System.getenv(SECRET_VARIABLE);
            return secret == null || secret.isBlank()
                    ? ClientCredentials.none()
                    : ClientCredentials.ofClusterKey(ClusterKey.fromSecret(secret));
        }
        if (password == null) {
            Console console = System.console();
            char[] typed = console == null ? null : console.readPassword("password for %s: ", user);
            if (typed == null) {
                throw new ParameterException(spec.commandLine(),
                        "--user " + user + " needs a password: --password, SKEIN_PASSWORD, or a terminal to type it on");
            }
            password = new String(typed);
        }
        return ClientCredentials.ofPassword(user, password);
    }
}
