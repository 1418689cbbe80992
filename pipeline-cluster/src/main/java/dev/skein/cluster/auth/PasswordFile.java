package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The users who may log in, read from a file of {@code user:password} lines, where the password
 * is either written out or a {@link PasswordHash} ({@code user:$pbkdf2-sha256$...}). Blank lines
 * and lines starting with {@code #} are skipped. Written-out passwords are kept only as SHA-256
 * digests; every comparison takes the same time whether the user exists or not. Immutable and
 * thread-safe.
 */
public final class PasswordFile {
    private final Map<String, Credential> users;
    private final Credential absentUser;

    private PasswordFile(Map<String, Credential> users) {
        this.users = Map.copyOf(users);
        // An unknown user costs as much as the dearest known one, so timing does not tell who exists.
        this.absentUser = users.values().stream()
                .filter(credential -> credential.hash().isPresent())
                .max((a, b) -> Integer.compare(a.hash().orElseThrow().iterations(), b.hash().orElseThrow().iterations()))
                .map(credential -> Credential.hashed(PasswordHash.of("absent user", credential.hash().orElseThrow().iterations())))
                .orElseGet(() -> Credential.plain("absent user"));
    }

    public static PasswordFile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.INVALID_CONFIG, "cannot read the users file '" + file + "': " + e, e);
        }
        return parse(file.toString(), lines);
    }

    /**
     * Parses users-file lines; every problem is reported at once as {@code file:line: error: ...}.
     */
    public static PasswordFile parse(String fileName, List<String> lines) {
        Map<String, Credential> users = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = fileName + ":" + (i + 1) + ": error: ";
            int colon = line.indexOf(':');
            if (colon <= 0 || colon == line.length() - 1) {
                problems.add(where + "expected user:password");
                continue;
            }
            String user = line.substring(0, colon);
            String password = line.substring(colon + 1);
            if (users.containsKey(user)) {
                problems.add(where + "user '" + user + "' is listed twice");
                continue;
            }
            try {
                users.put(user, PasswordHash.parse(password).map(Credential::hashed).orElseGet(() -> Credential.plain(password)));
            } catch (SkeinException e) {
                problems.add(where + "user '" + user + "': " + e.getMessage());
            }
        }
        if (users.isEmpty() && problems.isEmpty()) {
            problems.add(fileName + ": error: no users");
        }
        if (!problems.isEmpty()) {
            throw new SkeinException(ErrorCode.INVALID_CONFIG, String.join("\n", problems));
        }
        return new PasswordFile(users);
    }

    /** Whether {@code user} exists and {@code password} is theirs. */
    public boolean authenticate(String user, String password) {
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        Credential credential = users.get(user);
        boolean matches = (credential != null ? credential : absentUser).matches(password);
        return credential != null && matches;
    }

    /** The user names, for messages; never the passwords. */
    public List<String> users() {
        return users.keySet().stream().sorted().toList();
    }

    @Override
    public String toString() {
        return "PasswordFile" + users();
    }

    /** One user's password: a PBKDF2 hash, or the SHA-256 digest of a written-out password. */
    private record Credential(Optional<PasswordHash> hash, byte[] digest) {
        static Credential hashed(PasswordHash hash) {
            return new Credential(Optional.of(hash), new byte[0]);
        }

        static Credential plain(String password) {
            return new Credential(Optional.empty(), sha256(password));
        }

        boolean matches(String password) {
            return hash.map(h -> h.matches(password)).orElseGet(() -> MessageDigest.isEqual(digest, sha256(password)));
        }

        private static byte[] sha256(String text) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new SkeinException(ErrorCode.INTERNAL, "SHA-256 is not available", e);
            }
        }
    }
}
