package dev.skein.cluster.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TestBearerTokens {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final ClusterKey KEY = ClusterKey.fromSecret("the cluster secret, 16+ bytes");

    private final BearerTokens tokens = new BearerTokens(KEY, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void issuedTokenCarriesUserIssueTimeAndExpiry() {
        String token = tokens.issue("alice", Duration.ofHours(1));

        assertThat(token).startsWith("v1.").matches("v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        assertThat(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
                .isEqualTo("{\"sub\":\"alice\",\"iat\":1772366400,\"exp\":1772370000}");
        assertThat(tokens.verify(token))
                .isEqualTo(new TokenClaims("alice", NOW, NOW.plus(Duration.ofHours(1))));
    }

    @Test
    void anotherNodeWithTheSameSecretAcceptsTheToken() {
        String token = tokens.issue("alice", Duration.ofHours(1));
        BearerTokens otherNode = new BearerTokens(ClusterKey.fromSecret("  the cluster secret, 16+ bytes\n"),
                Clock.fixed(NOW.plusSeconds(30), ZoneOffset.UTC));

        assertThat(otherNode.verify(token).subject()).isEqualTo("alice");
    }

    @Test
    void tokenSignedWithAnotherKeyIsRefused() {
        String foreign = new BearerTokens(ClusterKey.fromSecret(ClusterKey.generateSecret()), Clock.fixed(NOW, ZoneOffset.UTC))
                .issue("alice", Duration.ofHours(1));

        assertRefused(foreign, "bearer token not signed by this cluster");
    }

    @Test
    void expiredTokenIsRefusedFromItsExpiryOn() {
        String token = tokens.sign(new TokenClaims("alice", NOW.minus(Duration.ofHours(2)), NOW));

        assertRefused(token, "bearer token expired at 2026-03-01T12:00:00Z");
        String stillValid = tokens.sign(new TokenClaims("alice", NOW.minus(Duration.ofHours(2)), NOW.plusSeconds(1)));
        assertThat(tokens.verify(stillValid).subject()).isEqualTo("alice");
    }

    @Test
    void tokenFromTheFutureBeyondClockSkewIsRefused() {
        Instant later = NOW.plus(BearerTokens.CLOCK_SKEW).plusSeconds(1);
        assertRefused(tokens.sign(new TokenClaims("alice", later, later.plus(Duration.ofHours(1)))),
                "bearer token is not valid yet");
        Instant skewed = NOW.plus(BearerTokens.CLOCK_SKEW);
        assertThat(tokens.verify(tokens.sign(new TokenClaims("alice", skewed, skewed.plusSeconds(60)))).subject())
                .isEqualTo("alice");
    }

    @Test
    void tamperedPayloadIsRefused() {
        String token = tokens.issue("alice", Duration.ofHours(1));
        String[] parts = token.split("\\.");
        String admin = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"root\",\"iat\":1772366400,\"exp\":1772370000}".getBytes(StandardCharsets.UTF_8));

        assertRefused(parts[0] + "." + admin + "." + parts[2], "bearer token not signed by this cluster");
    }

    @Test
    void malformedTokensAreRefused() {
        String valid = tokens.issue("alice", Duration.ofHours(1));
        String[] parts = valid.split("\\.");
        String expected = "malformed bearer token (expected v1.<payload>.<signature>)";

        assertRefused("", expected);
        assertRefused("garbage", expected);
        assertRefused("v1.", expected);
        assertRefused("v1.abc", expected);
        assertRefused("v2." + parts[1] + "." + parts[2], expected);
        assertRefused("v1." + parts[1] + ".not*base64", "malformed bearer token (not base64url)");
        assertRefused("v1." + parts[1] + "x." + parts[2], "bearer token not signed by this cluster");
        assertRefused("v1." + "a".repeat(5000) + "." + parts[2],
                "malformed bearer token (longer than 4096 characters)");
    }

    @Test
    void signedButIncompletePayloadIsRefused() {
        // Only a holder of the key can get here; still, a payload must be complete.
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"alice\"}".getBytes(StandardCharsets.UTF_8));
        String signed = "v1." + payload;
        String token = signed + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(KEY.signToken(signed.getBytes(StandardCharsets.US_ASCII)));

        assertRefused(token, "malformed bearer token (payload needs sub, iat and exp)");
    }

    private void assertRefused(String token, String message) {
        assertThatThrownBy(() -> tokens.verify(token))
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAUTHENTICATED))
                .hasMessage(message);
    }
}
