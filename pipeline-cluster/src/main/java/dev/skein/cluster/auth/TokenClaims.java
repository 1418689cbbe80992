package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What a valid bearer token says.
 *
 * @param subject a user name, or {@code node:<id>} for a node's own calls (user names cannot
 *     contain {@code ':'}, so no user can pose as a node)
 * @param issuedAt when it was signed, to the second
 * @param expiresAt from this instant on it is refused
 */
public record TokenClaims(String subject, Instant issuedAt, Instant expiresAt) {
    /** Prefix of the subject of tokens a node mints for itself from the cluster secret. */
    public static final String NODE_PREFIX = "node:";

    public TokenClaims {
        requireNonNull(subject, "subject is null");
        requireNonNull(issuedAt, "issuedAt is null");
        requireNonNull(expiresAt, "expiresAt is null");
    }
}
