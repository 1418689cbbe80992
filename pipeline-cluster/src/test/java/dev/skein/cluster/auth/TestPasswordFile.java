package dev.skein.cluster.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestPasswordFile {
    /** Few rounds keep the test fast; the format stores the count, so any count is checked right. */
    private static final int ITERATIONS = 1_000;

    @Test
    void hashedPasswordsAuthenticate() {
        String hashed = PasswordHash.of("s3cret:with:colons", ITERATIONS).encode();
        PasswordFile users = PasswordFile.parse("users", List.of(
                "# who may log in",
                "alice:" + PasswordHash.of("wonderland", ITERATIONS).encode(),
                "",
                "  bob:" + hashed + "  "));

        assertThat(users.users()).containsExactly("alice", "bob");
        assertThat(users.authenticate("alice", "wonderland")).isTrue();
        assertThat(users.authenticate("alice", "Wonderland")).isFalse();
        assertThat(users.authenticate("alice", "")).isFalse();
        assertThat(users.authenticate("bob", "s3cret:with:colons")).isTrue();
        assertThat(users.authenticate("bob", hashed)).as("the hash is not the password").isFalse();
        assertThat(users.authenticate("carol", "wonderland")).isFalse();
        assertThat(users).hasToString("PasswordFile[alice, bob]");
    }

    /**
     * The user-enumeration probe of issue 10: a wrong password answered in 4.7 ms for one user and
     * ~270 ms for another. Here a wrong password for a known user and any password for an unknown
     * one must cost the same: the medians of interleaved checks may differ by less than half.
     */
    @Test
    void aWrongPasswordTakesAsLongForAnUnknownUserAsForAKnownOne() {
        PasswordFile users = PasswordFile.parse("users", List.of(
                "alice:" + PasswordHash.of("wonderland", 20_000).encode(),
                "bob:" + PasswordHash.of("builder", 2_000).encode()));
        int rounds = 9;
        long[] known = new long[rounds];
        long[] unknown = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            assertThat(users.authenticate("alice", "guess " + i)).isFalse();
            known[i] = System.nanoTime() - start;
            start = System.nanoTime();
            assertThat(users.authenticate("mallory", "guess " + i)).isFalse();
            unknown[i] = System.nanoTime() - start;
        }
        double ratio = (double) median(unknown) / median(known);
        assertThat(ratio).as("unknown / known user, median of %d checks each", rounds).isBetween(0.5, 2.0);
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    @Test
    void everyProblemIsReportedWithItsLine() {
        String alice = "alice:" + PasswordHash.of("one", ITERATIONS).encode();
        assertThatThrownBy(() -> PasswordFile.parse("users.txt", List.of(
                        alice,
                        "no-colon",
                        alice,
                        ":nobody",
                        "carol:",
                        "dave:$pbkdf2-sha256$x$abc$def")))
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIG))
                .hasMessage(String.join("\n",
                        "users.txt:2: error: expected user:password",
                        "users.txt:3: error: user 'alice' is listed twice",
                        "users.txt:4: error: expected user:password",
                        "users.txt:5: error: expected user:password",
                        "users.txt:6: error: user 'dave': malformed password hash;"
                                + " expected $pbkdf2-sha256$<iterations>$<salt>$<hash>"));
    }

    @Test
    void aWrittenOutPasswordIsRefusedNamingItsLine() {
        assertThatThrownBy(() -> PasswordFile.parse("users.txt", List.of(
                        "# admins",
                        "root:" + PasswordHash.of("pw", ITERATIONS).encode(),
                        "alice:wonderland")))
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_CONFIG))
                .hasMessage("users.txt:3: error: user 'alice' has a written-out password; store its hash instead, the"
                        + " line 'skein hash-password alice' prints");
    }

    @Test
    void fileWithoutUsersIsRefused() {
        assertThatThrownBy(() -> PasswordFile.parse("users.txt", List.of("# nobody yet", "")))
                .hasMessage("users.txt: error: no users");
    }

    @Test
    void hashRoundTripsThroughItsTextForm() {
        PasswordHash hash = PasswordHash.of("pw", ITERATIONS);

        assertThat(PasswordHash.parse(hash.encode())).contains(hash);
        assertThat(hash.encode()).startsWith("$pbkdf2-sha256$1000$");
        assertThat(hash.matches("pw")).isTrue();
        assertThat(PasswordHash.of("pw", ITERATIONS)).as("fresh salt").isNotEqualTo(hash);
        assertThat(PasswordHash.parse("plain password")).isEmpty();
        assertThat(hash).hasToString("PasswordHash[pbkdf2-sha256, 1000 iterations]");
    }
}
