package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Signs and checks bearer tokens: {@code v1.<payload>.<signature>}, where the payload is base64url
 * JSON {@code {"sub": ..., "iat": ..., "exp": ...}} (seconds since the epoch) and the signature is
 * base64url HMAC-SHA256 of {@code v1.<payload>} under the {@link ClusterKey}. Any node holding the
 * cluster secret checks a token any other node signed, with no shared state. The signature is
 * checked (in constant time) before the payload is parsed. Thread-safe.
 */
public final class BearerTokens {
    public static final String VERSION = "v1";

    /** Tokens a little ahead of this node's clock are accepted: nodes' clocks differ a bit. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

    private static final int MAX_LENGTH = 4096;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final ClusterKey key;
    private final Clock clock;

    public BearerTokens(ClusterKey key, Clock clock) {
        this.key = requireNonNull(key, "key is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** A token for {@code subject}, valid from now for {@code ttl}. */
    public String issue(String subject, Duration ttl) {
        Instant now = clock.instant();
        return sign(new TokenClaims(subject, now, now.plus(ttl)));
    }

    /** The token for exactly these claims (tests use it to make tokens that are already expired). */
    public String sign(TokenClaims claims) {
        ObjectNode payload = MAPPER.createObjectNode()
                .put("sub", claims.subject())
                .put("iat", claims.issuedAt().getEpochSecond())
                .put("exp", claims.expiresAt().getEpochSecond());
        String signed = VERSION + "." + ENCODER.encodeToString(payload.toString().getBytes(StandardCharsets.UTF_8));
        return signed + "." + ENCODER.encodeToString(key.signToken(signed.getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * The claims of a valid token.
     *
     * @throws SkeinException {@link ErrorCode#UNAUTHENTICATED} if the token is malformed, signed
     *     with another key, not yet valid or expired
     */
    public TokenClaims verify(String token) {
        requireNonNull(token, "token is null");
        if (token.length() > MAX_LENGTH) {
            throw refused("malformed bearer token (longer than " + MAX_LENGTH + " characters)");
        }
        int lastDot = token.lastIndexOf('.');
        if (!token.startsWith(VERSION + ".") || lastDot <= VERSION.length()) {
            throw refused("malformed bearer token (expected " + VERSION + ".<payload>.<signature>)");
        }
        String signed = token.substring(0, lastDot);
        byte[] signature;
        byte[] payload;
        try {
            signature = DECODER.decode(token.substring(lastDot + 1));
            payload = DECODER.decode(signed.substring(VERSION.length() + 1));
        } catch (IllegalArgumentException e) {
            throw refused("malformed bearer token (not base64url)");
        }
        if (!MessageDigest.isEqual(signature, key.signToken(signed.getBytes(StandardCharsets.US_ASCII)))) {
            throw refused("bearer token not signed by this cluster");
        }
        TokenClaims claims = parse(payload);
        Instant now = clock.instant();
        if (claims.issuedAt().isAfter(now.plus(CLOCK_SKEW)) || !claims.expiresAt().isAfter(claims.issuedAt())) {
            throw refused("bearer token is not valid yet");
        }
        if (!now.isBefore(claims.expiresAt())) {
            throw refused("bearer token expired at " + claims.expiresAt());
        }
        return claims;
    }

    private static TokenClaims parse(byte[] payload) {
        try {
            JsonNode json = MAPPER.readTree(payload);
            JsonNode subject = json.path("sub");
            JsonNode issuedAt = json.path("iat");
            JsonNode expiresAt = json.path("exp");
            if (!subject.isTextual() || !issuedAt.canConvertToLong() || !expiresAt.canConvertToLong()) {
                throw refused("malformed bearer token (payload needs sub, iat and exp)");
            }
            return new TokenClaims(subject.asText(), Instant.ofEpochSecond(issuedAt.asLong()),
                    Instant.ofEpochSecond(expiresAt.asLong()));
        } catch (IOException e) {
            throw refused("malformed bearer token (payload is not JSON)");
        }
    }

    private static SkeinException refused(String message) {
        return new SkeinException(ErrorCode.UNAUTHENTICATED, message);
    }
}
