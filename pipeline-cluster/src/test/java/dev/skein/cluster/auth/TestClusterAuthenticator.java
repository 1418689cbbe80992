package dev.skein.cluster.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TestClusterAuthenticator {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final ClusterKey KEY = ClusterKey.fromSecret("the cluster secret, 16+ bytes");
    private static final PasswordFile USERS = PasswordFile.parse(
            "users", List.of("alice:" + PasswordHash.of("wonderland", 1_000).encode()));

    private final ClusterAuthenticator authenticator = ClusterAuthenticator.of(
            AuthConfig.of(KEY, Optional.of(USERS)).withTokenTtl(Duration.ofMinutes(30)), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void loginIssuesATokenThatVerifies() {
        IssuedToken issued = authenticator.login("alice", "wonderland");

        assertThat(issued.claims()).isEqualTo(new TokenClaims("alice", NOW, NOW.plus(Duration.ofMinutes(30))));
        assertThat(authenticator.verify(issued.token())).isEqualTo(issued.claims());
        assertThat(issued.toString()).doesNotContain(issued.token());
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() {
        assertRefused(() -> authenticator.login("alice", "wrong"), "wrong user name or password");
        assertRefused(() -> authenticator.login("mallory", "wonderland"), "wrong user name or password");
    }

    @Test
    void nodeWithoutUsersTakesNoPasswordsButAcceptsTokens() {
        ClusterAuthenticator tokensOnly =
                ClusterAuthenticator.of(AuthConfig.of(KEY, Optional.empty()), Clock.fixed(NOW, ZoneOffset.UTC));

        assertRefused(() -> tokensOnly.login("alice", "wonderland"), "this node takes no passwords (it has no users"
                + " file); log in at the coordinator and send the token it gives: tokens are good on every node");
        assertThat(tokensOnly.verify(authenticator.login("alice", "wonderland").token()).subject()).isEqualTo("alice");
    }

    @Test
    void nodeTokenIsRenewedAtHalfItsLife() {
        AtomicReference<Instant> now = new AtomicReference<>(NOW);
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        ClusterAuthenticator nodeSide = ClusterAuthenticator.of(AuthConfig.of(KEY, Optional.empty()), clock);
        NodeToken token = new NodeToken(nodeSide, "worker-1", clock);

        String first = token.current();
        assertThat(nodeSide.verify(first))
                .isEqualTo(new TokenClaims("node:worker-1", NOW, NOW.plus(NodeToken.TTL)));
        now.set(NOW.plus(NodeToken.TTL.dividedBy(2)).minusSeconds(1));
        assertThat(token.current()).isSameAs(first);
        now.set(NOW.plus(NodeToken.TTL.dividedBy(2)));
        String renewed = token.current();
        assertThat(nodeSide.verify(renewed).expiresAt()).isEqualTo(now.get().plus(NodeToken.TTL));
    }

    @Test
    void openConfigHasNothingToAuthenticateWith() {
        assertThatThrownBy(() -> ClusterAuthenticator.of(AuthConfig.open()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("authentication is off");
    }

    private static void assertRefused(Runnable call, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAUTHENTICATED))
                .hasMessage(message);
    }

    @Test
    void failedLoginsAreLimitedPerUserEvenWithTheRightPasswordAfterwards() {
        AtomicReference<Instant> now = new AtomicReference<>(NOW);
        ClusterAuthenticator throttled = ClusterAuthenticator.of(AuthConfig.of(KEY, Optional.of(USERS)), ticking(now));
        for (int i = 0; i < ClusterAuthenticator.MAX_FAILURES_PER_USER; i++) {
            String address = "10.0.0." + i;
            assertRefused(() -> throttled.login("alice", "guess", address), "wrong user name or password");
        }

        assertRefused(() -> throttled.login("alice", "wonderland", "10.0.0.99"), "too many failed logins; try again in 60 s");
        now.set(NOW.plusSeconds(45));
        assertRefused(() -> throttled.login("alice", "wonderland"), "too many failed logins; try again in 15 s");
        now.set(NOW.plusSeconds(61));
        assertThat(throttled.login("alice", "wonderland").claims().subject()).isEqualTo("alice");
    }

    @Test
    void failedLoginsAreLimitedPerAddressOverEveryUserName() {
        AtomicReference<Instant> now = new AtomicReference<>(NOW);
        ClusterAuthenticator throttled = ClusterAuthenticator.of(AuthConfig.of(KEY, Optional.of(USERS)), ticking(now));
        for (int i = 0; i < ClusterAuthenticator.MAX_FAILURES_PER_ADDRESS; i++) {
            String user = "user" + i;
            assertRefused(() -> throttled.login(user, "guess", "192.0.2.7"), "wrong user name or password");
        }

        assertRefused(() -> throttled.login("alice", "wonderland", "192.0.2.7"), "too many failed logins; try again in 60 s");
        assertThat(throttled.login("alice", "wonderland", "192.0.2.8").claims().subject()).isEqualTo("alice");
    }

    private static Clock ticking(AtomicReference<Instant> now) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
    }
}
