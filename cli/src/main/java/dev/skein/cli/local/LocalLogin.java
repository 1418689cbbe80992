package dev.skein.cli.local;

import static java.util.Objects.requireNonNull;

import dev.skein.cli.client.ClientCredentials;
import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.ClusterKey;
import dev.skein.cluster.auth.PasswordFile;
import dev.skein.cluster.auth.PasswordHash;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The authentication a local cluster with {@code --auth} makes for itself: a random cluster secret
 * and one user with a random password, in owner-only files of the cluster's work directory.
 *
 * @param user the one user
 * @param password that user's password
 * @param secretFile the cluster secret, given to every worker process
 * @param usersFile the user with the password hashed, given to every node
 */
public record LocalLogin(String user, String password, Path secretFile, Path usersFile) {
    public static final String USER = "skein";

    public LocalLogin {
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        requireNonNull(secretFile, "secretFile is null");
        requireNonNull(usersFile, "usersFile is null");
    }

    static LocalLogin create(Path dir) {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        LocalLogin login = new LocalLogin(USER, password, dir.resolve("secret"), dir.resolve("users"));
        // A random 24-character password needs no stretching: a few PBKDF2 rounds keep start-up quick.
        writePrivately(login.secretFile(), ClusterKey.generateSecret() + "\n");
        writePrivately(login.usersFile(), USER + ":" + PasswordHash.of(password, 1_000).encode() + "\n");
        return login;
    }

    /** What the coordinator in this JVM authenticates with. */
    AuthConfig authConfig() {
        return AuthConfig.of(ClusterKey.fromFile(secretFile), Optional.of(PasswordFile.read(usersFile)));
    }

    /** The arguments that give a worker process the same authentication. */
    List<String> workerArgs() {
        return List.of("--auth", "--secret-file", secretFile.toString(), "--users-file", usersFile.toString());
    }

    public ClientCredentials credentials() {
        return ClientCredentials.ofPassword(user, password);
    }

    @Override
    public String toString() {
        return "LocalLogin[user " + user + ", secret in " + secretFile + "]";
    }

    private static void writePrivately(Path file, String content) {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (UnsupportedOperationException e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "local mode with --auth needs a POSIX file system for " + file, e);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
