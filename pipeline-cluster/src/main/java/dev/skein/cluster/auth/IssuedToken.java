package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

/**
 * A bearer token handed out at login, with what it says.
 *
 * @param token the {@code v1.<payload>.<signature>} text
 * @param claims its subject, issue and expiry times
 */
public record IssuedToken(String token, TokenClaims claims) {
    public IssuedToken {
        requireNonNull(token, "token is null");
        requireNonNull(claims, "claims is null");
    }

    @Override
    public String toString() {
        return "IssuedToken[" + claims + "]";
    }
}
