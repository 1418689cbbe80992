package dev.skein.cluster.auth;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The token a node sends on its calls to other nodes, minted from the cluster key and renewed at
 * half its life, so a call never leaves with a token about to expire. A call checks the token when
 * it starts; a long exchange outlives its token without harm. Thread-safe.
 */
public final class NodeToken {
    static final Duration TTL = Duration.ofMinutes(10);

    private final ClusterAuthenticator authenticator;
    private final String nodeId;
    private final Clock clock;
    private volatile Minted current;

    public NodeToken(ClusterAuthenticator authenticator, String nodeId, Clock clock) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.nodeId = requireNonNull(nodeId, "nodeId is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public NodeToken(ClusterAuthenticator authenticator, String nodeId) {
        this(authenticator, nodeId, Clock.systemUTC());
    }

    /** A token valid for at least half of {@link #TTL}. */
    public String current() {
        Minted minted = current;
        if (minted == null || !clock.instant().isBefore(minted.renewAt())) {
            synchronized (this) {
                minted = current;
                if (minted == null || !clock.instant().isBefore(minted.renewAt())) {
                    minted = new Minted(authenticator.nodeToken(nodeId, TTL), clock.instant().plus(TTL.dividedBy(2)));
                    current = minted;
                }
            }
        }
        return minted.token();
    }

    private record Minted(String token, Instant renewAt) {}
}
