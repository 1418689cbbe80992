package dev.skein.cluster.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.cluster.auth.AuthConfig;
import dev.skein.cluster.auth.BearerTokens;
import dev.skein.cluster.auth.ClusterAuthenticator;
import dev.skein.cluster.auth.ClusterKey;
import dev.skein.cluster.auth.PasswordFile;
import dev.skein.cluster.auth.PasswordHash;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.auth2.BasicAuthCredentialWriter;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two Flight servers sharing a cluster key: a login on one is a token for both. */
class TestSignedTokenAuthenticator {
    private static final ClusterKey KEY = ClusterKey.fromSecret("the cluster secret, 16+ bytes");

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private BufferAllocator allocator;
    private FlightServer withUsers;
    private FlightServer tokensOnly;

    @BeforeEach
    void startServers() throws Exception {
        allocator = new RootAllocator();
        PasswordFile users = PasswordFile.parse("users", List.of("alice:" + PasswordHash.of("wonderland", 1_000).encode()));
        withUsers = serve(AuthConfig.of(KEY, Optional.of(users)));
        tokensOnly = serve(AuthConfig.of(KEY, Optional.empty()));
    }

    @AfterEach
    void close() throws Exception {
        // Clients and servers first (newest first), the allocator last: a leak fails the test.
        resources.addLast(allocator);
        AutoCloseables.close(resources);
    }

    @Test
    void loginOnOneNodeGivesATokenEveryNodeAccepts() throws Exception {
        FlightClient first = client(withUsers);
        CredentialCallOption bearer = first.authenticateBasicToken("alice", "wonderland").orElseThrow();

        assertThat(whoAmI(first, bearer)).isEqualTo("alice");
        assertThat(whoAmI(client(tokensOnly), bearer)).isEqualTo("alice");
    }

    @Test
    void nodeCredentialsAreAcceptedEverywhere() throws Exception {
        FlightClient asNode = own(ClusterCredentials.of(AuthConfig.of(KEY, Optional.empty()), "worker-7")
                .connect(allocator, location(tokensOnly)));

        assertThat(whoAmI(asNode)).isEqualTo("node:worker-7");
    }

    @Test
    void missingWrongOrForeignCredentialsAreRefused() throws Exception {
        FlightClient client = client(withUsers);
        String foreignToken = new BearerTokens(ClusterKey.fromSecret("another cluster's secret"), Clock.systemUTC())
                .issue("alice", Duration.ofHours(1));

        assertUnauthenticated(() -> whoAmI(client), SignedTokenAuthenticator.NO_CREDENTIALS);
        assertUnauthenticated(() -> client.authenticateBasicToken("alice", "wrong"), "wrong user name or password");
        assertUnauthenticated(() -> whoAmI(client, new CredentialCallOption(new BasicAuthCredentialWriter("alice", "wrong"))),
                "wrong user name or password");
        assertUnauthenticated(() -> whoAmI(client(tokensOnly), new CredentialCallOption(
                new BasicAuthCredentialWriter("alice", "wonderland"))), ClusterAuthenticator.NO_PASSWORDS);
        assertUnauthenticated(() -> whoAmI(client, new CredentialCallOption(new BearerCredentialWriter(foreignToken))),
                "bearer token not signed by this cluster");
    }

    @Test
    void openServerNeedsNoCredentials() throws Exception {
        FlightServer open = serve(AuthConfig.open());

        assertThat(whoAmI(client(open))).isEqualTo("");
        assertThat(whoAmI(own(ClusterCredentials.of(AuthConfig.open(), "w").connect(allocator, location(open)))))
                .isEqualTo("");
    }

    private FlightServer serve(AuthConfig auth) throws Exception {
        FlightServer server = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), new WhoAmI())
                .headerAuthenticator(SignedTokenAuthenticator.of(auth))
                .build();
        own(server);
        server.start();
        return server;
    }

    private FlightClient client(FlightServer server) {
        return own(FlightClient.builder(allocator, location(server)).build());
    }

    private static Location location(FlightServer server) {
        return Location.forGrpcInsecure("127.0.0.1", server.getPort());
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.push(resource);
        return resource;
    }

    private static String whoAmI(FlightClient client, CallOption... options) {
        Iterator<Result> results = client.doAction(new Action("whoami"), options);
        String answer = new String(results.next().getBody(), StandardCharsets.UTF_8);
        results.forEachRemaining(result -> {});
        return answer;
    }

    private static void assertUnauthenticated(Runnable call, String description) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
            assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHENTICATED);
            assertThat(e.status().description()).isEqualTo(description);
        });
    }

    /** Answers {@code whoami} with the peer identity the authenticator established. */
    private static final class WhoAmI extends NoOpFlightProducer {
        @Override
        public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
            listener.onNext(new Result(context.peerIdentity().getBytes(StandardCharsets.UTF_8)));
            listener.onCompleted();
        }
    }
}
