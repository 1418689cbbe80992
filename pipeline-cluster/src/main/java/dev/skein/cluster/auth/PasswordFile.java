package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The users who may log in, read from a file of {@code user:$pbkdf2-sha256$...} lines ({@link
 * PasswordHash}, written by {@code skein hash-password}). Blank lines and lines starting with
 * {@code #} are skipped; a written-out password is refused, naming its line. Every check costs the
 * same whether the user exists or not: an unknown user's password is checked against a dummy hash
 * as dear as the dearest known one, and hashes are compared in constant time. Immutable and
 * thread-safe.
 */
public final class PasswordFile {
    private final Map<String, PasswordHash> users;
    private final PasswordHash absentUser;

    private PasswordFile(Map<String, PasswordHash> users) {
        this.users = Map.copyOf(users);
        int dearest = users.values().stream().mapToInt(PasswordHash::iterations).max().orElseThrow();
        this.absentUser = PasswordHash.of("absent user", dearest);
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
        Map<String, PasswordHash> users = new LinkedHashMap<>();
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
                Optional<PasswordHash> hash = PasswordHash.parse(password);
                if (hash.isEmpty()) {
                    problems.add(where + "user '" + user + "' has a written-out password; store its hash instead,"
                            + " the line 'skein hash-password " + user + "' prints");
                    continue;
                }
                users.put(user, hash.get());
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
        PasswordHash hash = users.get(user);
        // the dummy is checked too, so an unknown user costs as much as a known one
        boolean matches = (hash != null ? hash : absentUser).matches(password);
        return hash != null && matches;
    }

    /** The user names, for messages; never the passwords. */
    public List<String> users() {
        return users.keySet().stream().sorted().toList();
    }

    @Override
    public String toString() {
        return "PasswordFile" + users();
    }
}
