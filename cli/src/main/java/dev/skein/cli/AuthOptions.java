package dev.skein.cli;

import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.ClusterKey;
import dev.skein.cluster.auth.PasswordFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** How {@code skein coordinator} and {@code skein worker} authenticate the calls they serve. */
final class AuthOptions {
    @Option(names = "--auth", description = "authenticate every call: a bearer token signed with the cluster secret,"
            + " or Basic credentials of a user in --users-file")
    boolean enabled;

    @Option(names = "--secret-file", paramLabel = "FILE",
            description = "the cluster secret, the same on every node (default: $SKEIN_SECRET)")
    Path secretFile;

    @Option(names = "--users-file", paramLabel = "FILE", description = "users who may log in: lines"
            + " user:$pbkdf2-sha256$... from 'skein hash-password'; written-out passwords are refused (without it, only"
            + " tokens are accepted)")
    Path usersFile;

    @Option(names = "--token-minutes", defaultValue = "60", paramLabel = "MINUTES",
            description = "how long a token issued at login stays valid (default ${DEFAULT-VALUE})")
    long tokenMinutes;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    AuthConfig config() {
        if (!enabled) {
            if (secretFile != null || usersFile != null) {
                throw new ParameterException(spec.commandLine(), "--secret-file and --users-file need --auth");
            }
            return AuthConfig.open();
        }
        if (tokenMinutes < 1) {
            throw new ParameterException(spec.commandLine(), "--token-minutes must be at least 1");
        }
        ClusterKey key;
        if (secretFile != null) {
            key = ClusterKey.fromFile(secretFile);
        } else {
            String secret = System.getenv(LoginOptions.SECRET_VARIABLE);
            if (secret == null || secret.isBlank()) {
                throw new ParameterException(spec.commandLine(),
                        "--auth needs the cluster secret: --secret-file FILE or the SKEIN_SECRET environment variable");
            }
            key = ClusterKey.fromSecret(secret);
        }
        Optional<PasswordFile> users = Optional.ofNullable(usersFile).map(PasswordFile::read);
        return AuthConfig.of(key, users).withTokenTtl(Duration.ofMinutes(tokenMinutes));
    }
}
