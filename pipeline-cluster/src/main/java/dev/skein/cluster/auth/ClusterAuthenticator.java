package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.time.Clock;
import java.time.Duration;

/**
 * A node's side of authentication, the same for Flight and REST: a user and password become a
 * bearer token; a bearer token becomes its claims. Nodes mint tokens for their own calls to other
 * nodes with {@link #nodeToken}. Thread-safe.
 */
public final class ClusterAuthenticator {
    /** Every failed login gets this message: it does not tell whether the user exists. */
    public static final String LOGIN_REFUSED = "wrong user name or password";
    public static final String NO_PASSWORDS = "this node takes no passwords (it has no users file);"
            + " log in at the coordinator and send the token it gives: tokens are good on every node";

    private final AuthConfig config;
    private final BearerTokens tokens;

    private ClusterAuthenticator(AuthConfig config, BearerTokens tokens) {
        this.config = config;
        this.tokens = tokens;
    }

    /** @throws IllegalArgumentException if {@code config} is open: there is nothing to check */
    public static ClusterAuthenticator of(AuthConfig config, Clock clock) {
        requireNonNull(config, "config is null");
        ClusterKey key = config.key().orElseThrow(() -> new IllegalArgumentException("authentication is off"));
        return new ClusterAuthenticator(config, new BearerTokens(key, clock));
    }

    public static ClusterAuthenticator of(AuthConfig config) {
        return of(config, Clock.systemUTC());
    }

    /**
     * Checks a password and issues a token for the user.
     *
     * @throws SkeinException {@link ErrorCode#UNAUTHENTICATED} if the user is unknown, the password
     *     wrong (one message for both), or this node takes no passwords (no users file)
     */
    public IssuedToken login(String user, String password) {
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        if (config.users().isEmpty()) {
            throw new SkeinException(ErrorCode.UNAUTHENTICATED, NO_PASSWORDS);
        }
        if (!config.users().get().authenticate(user, password) || user.contains(":")) {
            throw new SkeinException(ErrorCode.UNAUTHENTICATED, LOGIN_REFUSED);
        }
        String token = tokens.issue(user, config.tokenTtl());
        return new IssuedToken(token, tokens.verify(token));
    }

    /**
     * The claims of a valid token.
     *
     * @throws SkeinException {@link ErrorCode#UNAUTHENTICATED} if it is malformed, expired, or signed
     *     with another key
     */
    public TokenClaims verify(String token) {
        return tokens.verify(token);
    }

    /** A token for this node's own calls to other nodes, subject {@code node:<nodeId>}. */
    public String nodeToken(String nodeId, Duration ttl) {
        return tokens.issue(TokenClaims.NODE_PREFIX + nodeId, ttl);
    }
}
