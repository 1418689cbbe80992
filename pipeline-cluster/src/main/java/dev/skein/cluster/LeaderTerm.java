package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

/**
 * One coordinator's term as leader, as stored in {@code /leader-epoch}: every new leader writes
 * the next term there before it supervises anything, and every plan write checks that node's
 * version, so the writes of a deposed leader fail.
 *
 * @param term strictly increasing across leaders of this cluster
 * @param coordinatorId the leader's participant id
 * @param restUrl where the leader's REST API answers ({@code http://host:port}), for standbys to forward to
 * @param flightAddress the leader's Flight {@code host:port}
 */
public record LeaderTerm(long term, String coordinatorId, String restUrl, String flightAddress) {
    public LeaderTerm {
        requireNonNull(coordinatorId, "coordinatorId is null");
        requireNonNull(restUrl, "restUrl is null");
        requireNonNull(flightAddress, "flightAddress is null");
    }
}
