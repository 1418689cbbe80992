package dev.skein.cli.client;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.ClusterAuthenticator;
import dev.skein.cluster.auth.ClusterKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;

/**
 * Who the command line says it is: a user with a password (logged in for a token), a holder of
 * the cluster secret (who signs a token for itself, like a node), or nobody (an open cluster).
 * {@link #toString()} shows no password. Immutable.
 */
public final class ClientCredentials {
    /** The subject of tokens a command line signs with the cluster secret. */
    static final String CLI_NODE_ID = "skein-cli";

    private static final Duration SELF_SIGNED_TTL = Duration.ofMinutes(10);

    private final Optional<String> user;
    private final Optional<String> password;
    private final Optional<ClusterKey> clusterKey;

    private ClientCredentials(Optional<String> user, Optional<String> password, Optional<ClusterKey> clusterKey) {
        this.user = user;
        this.password = password;
        this.clusterKey = clusterKey;
    }

    public static ClientCredentials none() {
        return new ClientCredentials(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static ClientCredentials ofPassword(String user, String password) {
        requireNonNull(user, "user is null");
        requireNonNull(password, "password is null");
        return new ClientCredentials(Optional.of(user), Optional.of(password), Optional.empty());
    }

    public static ClientCredentials ofClusterKey(ClusterKey key) {
        requireNonNull(key, "key is null");
        return new ClientCredentials(Optional.empty(), Optional.empty(), Optional.of(key));
    }

    public boolean isNone() {
        return user.isEmpty() && clusterKey.isEmpty();
    }

    public Optional<String> user() {
        return user;
    }

    /** {@code Basic base64(user:password)}, when these are a user's credentials. */
    Optional<String> basicAuthorization() {
        return user.map(name -> "Basic " + Base64.getEncoder()
                .encodeToString((name + ":" + password.orElseThrow()).getBytes(StandardCharsets.UTF_8)));
    }

    /** A token signed with the cluster secret, when these credentials hold it. */
    Optional<String> selfSignedToken() {
        return clusterKey.map(key -> ClusterAuthenticator.of(AuthConfig.of(key, Optional.empty()))
                .nodeToken(CLI_NODE_ID, SELF_SIGNED_TTL));
    }

    /**
     * The call options that authenticate every further call of {@code client}, and of clients to
     * other nodes of the same cluster: a user logs in once here (Flight handshake with Basic
     * credentials) and the token it gets is good on every node.
     */
    public CallOption[] flightOptions(FlightClient client) {
        if (user.isPresent()) {
            return client.authenticateBasicToken(user.get(), password.orElseThrow())
                    .map(option -> new CallOption[] {option})
                    .orElseGet(() -> new CallOption[0]);
        }
        return selfSignedToken()
                .map(token -> new CallOption[] {new CredentialCallOption(new BearerCredentialWriter(token))})
                .orElseGet(() -> new CallOption[0]);
    }

    @Override
    public String toString() {
        return user.map(name -> "ClientCredentials[user " + name + "]")
                .or(() -> clusterKey.map(key -> "ClientCredentials[cluster secret]"))
                .orElse("ClientCredentials[none]");
    }
}
