package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

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

    /**
     * Failed logins a user name may have in {@link #THROTTLE_WINDOW} before it is refused for the
     * rest of it: low enough to make online guessing slow (PBKDF2 alone allows a few per second
     * per core), high enough that a user mistyping, or a client retrying a stale password on every
     * RPC, is not locked out of the cluster (a lockout is also what an attacker could aim for).
     */
    public static final int MAX_FAILURES_PER_USER = 30;
    /** Failed logins a client address may have in {@link #THROTTLE_WINDOW}, over all user names. */
    public static final int MAX_FAILURES_PER_ADDRESS = 100;
    public static final Duration THROTTLE_WINDOW = Duration.ofMinutes(1);

    private final AuthConfig config;
    private final BearerTokens tokens;
    private final LoginThrottle users;
    private final LoginThrottle addresses;

    private ClusterAuthenticator(AuthConfig config, BearerTokens tokens, Clock clock) {
        this.config = config;
        this.tokens = tokens;
        this.users = new LoginThrottle(MAX_FAILURES_PER_USER, THROTTLE_WINDOW, clock);
        this.addresses = new LoginThrottle(MAX_FAILURES_PER_ADDRESS, THROTTLE_WINDOW, clock);
    }

    /** @throws IllegalArgumentException if {@code config} is open: there is nothing to check */
    public static ClusterAuthenticator of(AuthConfig config, Clock clock) {
        requireNonNull(config, "config is null");
        ClusterKey key = config.key().orElseThrow(() -> new IllegalArgumentException("authentication is off"));
        return new ClusterAuthenticator(config, new BearerTokens(key, clock), clock);
    }

    public static ClusterAuthenticator of(AuthConfig config) {
        return of(config, Clock.systemUTC());
    }

    /**
     * {@link #login(String, String, String)} for a transport that does not tell the client's
     * address (Flight's header authenticators): failures count against the user name only.
     */
    public IssuedToken login(String user, String password) {
        return login(user, password, Optional.empty());
    }

    /**
     * Checks a password and issues a token for the user. Failed logins are rate limited per user
     * name ({@value #MAX_FAILURES_PER_USER} a minute) and per client address ({@value
     * #MAX_FAILURES_PER_ADDRESS} a minute); a limited login is refused before its password is
     * checked.
     *
     * @param address the client's address, as the transport knows it
     * @throws SkeinException {@link ErrorCode#UNAUTHENTICATED} if the user is unknown, the password
     *     wrong (one message for both), this node takes no passwords (no users file), or too many
     *     logins failed ({@code too many failed logins; try again in 42 s})
     */
    public IssuedToken login(String user, String password, String address) {
        requireNonNull(address, "address is null");
        return login(user, password, Optional.of(address));
    }

    private IssuedToken login(String user, String password, Optional<String> address) {
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        if (config.users().isEmpty()) {
            throw new SkeinException(ErrorCode.UNAUTHENTICATED, NO_PASSWORDS);
        }
        String userKey = "user:" + user;
        Optional<Duration> refused = users.refusedFor(userKey).or(() -> address.flatMap(addresses::refusedFor));
        if (refused.isPresent()) {
            throw new SkeinException(ErrorCode.UNAUTHENTICATED, "too many failed logins; try again in "
                    + Math.max(1, refused.get().toSeconds()) + " s");
        }
        if (!config.users().get().authenticate(user, password) || user.contains(":")) {
            users.failed(userKey);
            address.ifPresent(addresses::failed);
            throw new SkeinException(ErrorCode.UNAUTHENTICATED, LOGIN_REFUSED);
        }
        users.succeeded(userKey);
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
