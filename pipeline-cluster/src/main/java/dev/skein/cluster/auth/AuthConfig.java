package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether and how a node authenticates calls.
 *
 * @param key the cluster key; empty means the node is open to anyone who reaches it
 * @param users who may log in with a password on this node; without them the node only accepts
 *     tokens (signed by any node of the cluster)
 * @param tokenTtl how long a token issued at login stays valid
 */
public record AuthConfig(Optional<ClusterKey> key, Optional<PasswordFile> users, Duration tokenTtl) {
    public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);

    public AuthConfig {
        requireNonNull(key, "key is null");
        requireNonNull(users, "users is null");
        requireNonNull(tokenTtl, "tokenTtl is null");
        if (key.isEmpty() && users.isPresent()) {
            throw new IllegalArgumentException("users without a cluster key: logins would have no token to sign");
        }
        if (tokenTtl.isNegative() || tokenTtl.isZero()) {
            throw new IllegalArgumentException("tokenTtl must be positive: " + tokenTtl);
        }
    }

    /** No authentication: every call is served. */
    public static AuthConfig open() {
        return new AuthConfig(Optional.empty(), Optional.empty(), DEFAULT_TOKEN_TTL);
    }

    public static AuthConfig of(ClusterKey key, Optional<PasswordFile> users) {
        return new AuthConfig(Optional.of(key), users, DEFAULT_TOKEN_TTL);
    }

    public AuthConfig withTokenTtl(Duration ttl) {
        return new AuthConfig(key, users, ttl);
    }

    public boolean enabled() {
        return key.isPresent();
    }
}
