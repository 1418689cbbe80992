package dev.skein.cluster.flight;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.ClusterAuthenticator;
import dev.skein.cluster.auth.NodeToken;
import java.util.Optional;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightClientMiddleware;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.memory.BufferAllocator;

/**
 * How a node calls other nodes: Flight clients it opens send the node's own token (see {@link
 * NodeToken}) on every call when the cluster has a key, and nothing when it is open. Thread-safe.
 */
public final class ClusterCredentials {
    private final Optional<NodeToken> token;

    private ClusterCredentials(Optional<NodeToken> token) {
        this.token = token;
    }

    /** Credentials of node {@code nodeId}; none when {@code auth} is open. */
    public static ClusterCredentials of(AuthConfig auth, String nodeId) {
        requireNonNull(auth, "auth is null");
        requireNonNull(nodeId, "nodeId is null");
        return new ClusterCredentials(auth.enabled()
                ? Optional.of(new NodeToken(ClusterAuthenticator.of(auth), nodeId))
                : Optional.empty());
    }

    public static ClusterCredentials none() {
        return new ClusterCredentials(Optional.empty());
    }

    /** A client to {@code location} that authenticates as this node. The caller closes it. */
    public FlightClient connect(BufferAllocator allocator, Location location) {
        FlightClient.Builder builder = FlightClient.builder(allocator, location);
        token.ifPresent(nodeToken -> builder.intercept(new BearerHeader(nodeToken)));
        return builder.build();
    }

    /** Adds {@code Authorization: Bearer <token>} to every call, the token renewed as needed. */
    private record BearerHeader(NodeToken token) implements FlightClientMiddleware.Factory {
        @Override
        public FlightClientMiddleware onCallStarted(CallInfo info) {
            String value = Auth2Constants.BEARER_PREFIX + token.current();
            return new FlightClientMiddleware() {
                @Override
                public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {
                    outgoingHeaders.insert(Auth2Constants.AUTHORIZATION_HEADER, value);
                }

                @Override
                public void onHeadersReceived(CallHeaders incomingHeaders) {}

                @Override
                public void onCallCompleted(CallStatus status) {}
            };
        }
    }
}
