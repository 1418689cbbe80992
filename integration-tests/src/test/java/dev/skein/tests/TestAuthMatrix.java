package dev.skein.tests;

import dev.skein.testing.TestingPipelines;
import static dev.skein.testing.TestingPipelines.duckDbRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.cli.Main;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import dev.skein.cli.local.LocalLogin;
import dev.skein.cluster.auth.BearerTokens;
import dev.skein.cluster.auth.ClusterKey;
import dev.skein.cluster.auth.TokenClaims;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import io.grpc.MethodDescriptor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightClientMiddleware;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BasicAuthCredentialWriter;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local cluster with {@code --auth}: the coordinator in this JVM, two worker processes. Every
 * Flight RPC on the coordinator and on a worker refuses every credential but a valid one and
 * returns nothing; the REST API takes the same tokens; a pipeline runs end to end, its workers
 * authenticating to each other with the cluster's credentials.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestAuthMatrix {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String VALID = "valid";
    private static final Instant EXPIRED_AT = Instant.parse("2026-01-01T01:00:00Z");

    private LocalCluster cluster;
    private LocalLogin login;
    private ClusterKey key;
    private BufferAllocator allocator;

    @TempDir
    Path dir;

    @BeforeAll
    void startCluster() {
        cluster = LocalCluster.start(2, "384m", 1, Optional.empty(), true);
        login = cluster.login().orElseThrow();
        key = ClusterKey.fromFile(login.secretFile());
        allocator = new RootAllocator();
    }

    @AfterAll
    void stopCluster() {
        allocator.close();
        cluster.close();
    }

    @Test
    void everyFlightRpcOnCoordinatorAndWorkerRefusesAllButValidCredentials() throws Exception {
        assertThat(FlightServiceGrpc.getServiceDescriptor().getMethods().stream()
                        .map(MethodDescriptor::getBareMethodName))
                .as("the matrix calls every RPC Flight has")
                .containsExactlyInAnyOrderElementsOf(TestingFlightRpcs.ALL.keySet());
        startLongPipeline("long");

        try (FlightClient coordinator = client(location(cluster.coordinatorFlightAddress()))) {
            CallOption[] valid = {coordinator.authenticateBasicToken(login.user(), login.password()).orElseThrow()};
            FlightInfo tap = coordinator.getInfo(FlightDescriptor.path("long", "enrich"), valid);
            assertThat(tap.getEndpoints()).hasSize(2);
            FlightEndpoint endpoint = tap.getEndpoints().get(0);

            Map<String, CallOption[]> credentials = new LinkedHashMap<>(invalidCredentials());
            credentials.put(VALID, valid);
            TestingFlightRpcs.Arguments onCoordinator = new TestingFlightRpcs.Arguments(allocator,
                    FlightDescriptor.path("long", "enrich"), endpoint.getTicket(), new Action("ping"), null);
            Map<String, Long> coordinatorValid = checkMatrix("coordinator", coordinator, onCoordinator, credentials);
            assertThat(coordinatorValid).containsEntry("GetFlightInfo", 1L).containsEntry("PollFlightInfo", 1L)
                    .containsEntry("GetSchema", 1L).containsEntry("ListFlights", 2L);

            // The token from the coordinator's handshake is good on the worker: one login, every node.
            try (FlightClient worker = client(endpoint.getLocations().get(0))) {
                TestingFlightRpcs.Arguments onWorker = new TestingFlightRpcs.Arguments(allocator,
                        FlightDescriptor.command(endpoint.getTicket().getBytes()), endpoint.getTicket(),
                        new Action("ping"), null);
                Map<String, Long> workerValid = checkMatrix("worker", worker, onWorker, credentials);
                assertThat(workerValid).containsEntry("DoGet", 100L).containsEntry("DoAction", 1L)
                        .containsEntry("GetSchema", 1L).containsEntry("DoPut", 1L);
                assertThat(workerValid.get("ListActions")).isGreaterThanOrEqualTo(2L);

                // Refused DoPuts wrote nothing: only the valid one created its table.
                for (String credential : credentials.keySet()) {
                    FlightDescriptor table = FlightDescriptor.path(tableFor(credential));
                    if (credential.equals(VALID)) {
                        assertThat(worker.getInfo(table, valid).getRecords()).isEqualTo(3);
                    } else {
                        assertThatThrownBy(() -> worker.getInfo(table, valid))
                                .isInstanceOfSatisfying(FlightRuntimeException.class,
                                        e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND));
                    }
                }
            }
        }

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute("tap",
                "long/enrich", "--limit", "3", "--format", "csv", "--coordinator-flight",
                cluster.coordinatorFlightAddress(), "--user", login.user(), "--password", login.password());
        assertThat(exit).as("skein tap: %s", err).isZero();
        assertThat(out.toString().lines().toList()).as("a header and 3 rows from each of 2 tasks").hasSize(7)
                .startsWith("id,category,value,doubled");
        assertThat(cluster.coordinatorClient().cancel("long").body().path("state").asText()).isEqualTo("CANCELLED");
    }

    @Test
    void pipelineRunsEndToEndWithAuthenticatedExchangeBetweenWorkers() throws Exception {
        String source = "SELECT i AS id, 'c' || (i % 8) AS category, (i % 1000) / 10.0 AS value FROM range(500000) t(i)";
        Path file = TestingPipelines.write(dir, "secure.yaml", """
                name: secure
                source:
                  type: generate
                  sql: %s
                stages:
                  - name: enrich
                    sql: SELECT category, value * 2 AS doubled FROM input WHERE value >= 25.0
                    parallelism: 2
                    partition-by: [category]
                  - name: totals
                    mode: final
                    sql: SELECT category, count(*) AS n, sum(doubled) AS s FROM input GROUP BY category ORDER BY category
                """.formatted(source));
        CoordinatorClient rest = cluster.coordinatorClient();

        CoordinatorClient.ApiResponse submitted = rest.submit(file, "secure", Files.readString(file));
        assertThat(submitted.status()).as("submit answered %s", submitted.body()).isEqualTo(201);
        JsonNode view = awaitEnd(rest, "secure");

        assertThat(view.path("state").asText()).as("failure: %s", view.path("failure")).isEqualTo("SUCCEEDED");
        List<List<String>> expected = duckDbRows("SELECT category, count(*), sum(value * 2) FROM (" + source
                + ") WHERE value >= 25.0 GROUP BY category ORDER BY category");
        List<List<String>> actual = new ArrayList<>();
        view.path("result").path("rows").forEach(row -> actual.add(List.of(row.get(0).asText(), row.get(1).asText(),
                Double.toString(row.get(2).asDouble()))));
        assertThat(actual).containsExactlyElementsOf(expected.stream()
                .map(row -> List.of(row.get(0), row.get(1), Double.toString(Double.parseDouble(row.get(2)))))
                .toList());
        Set<String> workers = new HashSet<>();
        view.path("stages").forEach(stage -> stage.path("workers").forEach(worker -> workers.add(worker.asText())));
        assertThat(workers).as("batches crossed between the two worker processes").hasSize(2);
    }

    @Test
    void restApiTakesTheSameTokensAndLeavesPingOpen() throws Exception {
        String url = cluster.coordinatorUrl();

        HttpResponse<String> ping = http("GET", url + "/ping", Optional.empty());
        assertThat(ping.statusCode()).isEqualTo(200);
        assertThat(ping.body()).isEqualTo("pong");

        HttpResponse<String> anonymous = http("GET", url + "/api/v1/pipelines", Optional.empty());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"skein\", Basic realm=\"skein\"");
        assertThat(MAPPER.readTree(anonymous.body()).path("message").asText()).isEqualTo("this coordinator requires"
                + " authentication: POST /api/v1/token with Basic credentials for a token, then send"
                + " 'Authorization: Bearer <token>'");
        assertThat(http("GET", url + "/api/v1/no-such-path", Optional.empty()).statusCode())
                .as("nothing about the API shows before authentication").isEqualTo(401);

        assertRefused(http("POST", url + "/api/v1/token", Optional.empty()),
                "POST /api/v1/token needs Basic credentials (user and password)");
        assertRefused(http("POST", url + "/api/v1/token", Optional.of(basic(login.user(), "wrong"))),
                "wrong user name or password");
        HttpResponse<String> issued = http("POST", url + "/api/v1/token", Optional.of(basic(login.user(), login.password())));
        assertThat(issued.statusCode()).isEqualTo(200);
        JsonNode token = MAPPER.readTree(issued.body());
        assertThat(token.path("user").asText()).isEqualTo(login.user());
        assertThat(Instant.parse(token.path("expiresAt").asText()))
                .isBetween(Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofMinutes(61)));

        String bearer = "Bearer " + token.path("token").asText();
        assertThat(http("GET", url + "/api/v1/pipelines", Optional.of(bearer)).statusCode()).isEqualTo(200);
        assertThat(http("GET", url + "/api/v1/pipelines", Optional.of(basic(login.user(), login.password())))
                .statusCode()).isEqualTo(200);
        assertRefused(http("GET", url + "/api/v1/pipelines", Optional.of(basic(login.user(), "wrong"))),
                "wrong user name or password");
        assertRefused(http("GET", url + "/api/v1/pipelines", Optional.of("Bearer " + expiredToken())),
                "bearer token expired at " + EXPIRED_AT);
        assertRefused(http("GET", url + "/api/v1/pipelines", Optional.of("Bearer " + foreignToken())),
                "bearer token not signed by this cluster");
        assertRefused(http("DELETE", url + "/api/v1/pipelines/any", Optional.of("Bearer v1.garbage")),
                "malformed bearer token (expected v1.<payload>.<signature>)");

        // A REST token works on a worker's Flight port, and a worker's handshake token on REST.
        String workerAddress = cluster.liveWorkerAddresses().get(0);
        TokenCatcher catcher = new TokenCatcher();
        try (FlightClient worker = FlightClient.builder(allocator, location(workerAddress)).intercept(catcher).build()) {
            AtomicLong pongs = new AtomicLong();
            TestingFlightRpcs.ALL.get("DoAction").call(worker, new TestingFlightRpcs.Arguments(allocator, null, null,
                    new Action("ping"), null), bearer(token.path("token").asText()), pongs);
            assertThat(pongs).hasValue(1);
            worker.handshake(new CredentialCallOption(new BasicAuthCredentialWriter(login.user(), login.password())));
            assertThat(catcher.token.get()).startsWith("v1.");
            assertThat(http("GET", url + "/api/v1/pipelines", Optional.of("Bearer " + catcher.token.get())).statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void commandLineLogsInWithUserAndPassword() {
        String url = cluster.coordinatorUrl();
        String worker = cluster.liveWorkerAddresses().get(0);

        assertThat(Main.commandLine().execute("status", "--coordinator", url)).isEqualTo(Main.EXIT_FAILED);
        assertThatThrownBy(() -> new CoordinatorClient(url).list())
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.UNAUTHENTICATED))
                .hasMessage("the coordinator at " + url + " requires authentication: give --user and --password"
                        + " (or set SKEIN_USER and SKEIN_PASSWORD)");
        assertThat(Main.commandLine().execute("status", "--coordinator", url, "--user", login.user(), "--password",
                "wrong")).isEqualTo(Main.EXIT_FAILED);
        assertThat(Main.commandLine().execute("status", "--coordinator", url, "--user", login.user(), "--password",
                login.password())).isEqualTo(Main.EXIT_OK);

        assertThat(Main.commandLine().execute("ping", "--flight", worker)).isEqualTo(Main.EXIT_FAILED);
        assertThat(Main.commandLine().execute("ping", "--flight", worker, "--user", login.user(), "--password",
                login.password())).isEqualTo(Main.EXIT_OK);
        assertThat(Main.commandLine().execute("ping", "--http", url)).as("/ping stays open").isEqualTo(Main.EXIT_OK);
    }

    /**
     * Calls every RPC on {@code client} with every credential; all but {@link #VALID} must fail with
     * UNAUTHENTICATED having received nothing. Returns what each RPC received with valid credentials
     * (those may still fail for reasons of their own, but never for authentication).
     */
    private Map<String, Long> checkMatrix(String node, FlightClient client, TestingFlightRpcs.Arguments arguments,
            Map<String, CallOption[]> credentials) {
        Map<String, Long> receivedWhenValid = new LinkedHashMap<>();
        for (Map.Entry<String, TestingFlightRpcs.Rpc> rpc : TestingFlightRpcs.ALL.entrySet()) {
            for (Map.Entry<String, CallOption[]> credential : credentials.entrySet()) {
                String what = rpc.getKey() + " on the " + node + " with " + credential.getKey();
                TestingFlightRpcs.Arguments call =
                        arguments.withPutDescriptor(FlightDescriptor.path(tableFor(credential.getKey())));
                AtomicLong received = new AtomicLong();
                Optional<FlightRuntimeException> failure = callCatching(rpc.getValue(), client, call, credential.getValue(),
                        received);
                if (credential.getKey().equals(VALID)) {
                    failure.ifPresent(e -> assertThat(e.status().code()).as("%s: %s", what, e.getMessage())
                            .isNotEqualTo(FlightStatusCode.UNAUTHENTICATED));
                    receivedWhenValid.put(rpc.getKey(), failure.isPresent() ? -1 : received.get());
                } else {
                    assertThat(failure).as("%s must fail", what).isPresent();
                    assertThat(failure.get().status().code()).as("%s: %s", what, failure.get().getMessage())
                            .isEqualTo(FlightStatusCode.UNAUTHENTICATED);
                    assertThat(received).as("%s returned data", what).hasValue(0);
                }
            }
        }
        return receivedWhenValid;
    }

    private static Optional<FlightRuntimeException> callCatching(TestingFlightRpcs.Rpc rpc, FlightClient client,
            TestingFlightRpcs.Arguments arguments, CallOption[] options, AtomicLong received) {
        try {
            rpc.call(client, arguments, options, received);
            return Optional.empty();
        } catch (FlightRuntimeException e) {
            return Optional.of(e);
        } catch (Exception e) {
            throw new AssertionError("not a Flight failure: " + e, e);
        }
    }

    private Map<String, CallOption[]> invalidCredentials() {
        Map<String, CallOption[]> credentials = new LinkedHashMap<>();
        credentials.put("no credentials", new CallOption[0]);
        credentials.put("wrong password",
                new CallOption[] {new CredentialCallOption(new BasicAuthCredentialWriter(login.user(), "wrong"))});
        credentials.put("expired token", bearer(expiredToken()));
        credentials.put("token signed with another key", bearer(foreignToken()));
        return credentials;
    }

    /** Signed with the cluster's own key, expired long ago. */
    private String expiredToken() {
        return new BearerTokens(key, Clock.systemUTC())
                .sign(new TokenClaims(login.user(), EXPIRED_AT.minus(Duration.ofHours(1)), EXPIRED_AT));
    }

    /** Valid in every way but the key: another cluster's. */
    private String foreignToken() {
        return new BearerTokens(ClusterKey.fromSecret(ClusterKey.generateSecret()), Clock.systemUTC())
                .issue(login.user(), Duration.ofHours(1));
    }

    private static CallOption[] bearer(String token) {
        return new CallOption[] {new CredentialCallOption(new BearerCredentialWriter(token))};
    }

    /** Keeps the bearer token a server sends back in its response headers. */
    private static final class TokenCatcher implements FlightClientMiddleware.Factory {
        private final AtomicReference<String> token = new AtomicReference<>();

        @Override
        public FlightClientMiddleware onCallStarted(CallInfo info) {
            return new FlightClientMiddleware() {
                @Override
                public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

                @Override
                public void onHeadersReceived(CallHeaders incomingHeaders) {
                    String value = incomingHeaders.get("authorization");
                    if (value != null && value.startsWith("Bearer ")) {
                        token.set(value.substring("Bearer ".length()));
                    }
                }

                @Override
                public void onCallCompleted(CallStatus status) {}
            };
        }
    }

    private static String tableFor(String credential) {
        return "auth_" + credential.replaceAll("[^a-z]+", "_");
    }

    private void startLongPipeline(String name) throws Exception {
        Path file = TestingPipelines.write(dir, name + ".yaml", TestingPipelines.endlessEnrich(name));
        CoordinatorClient rest = cluster.coordinatorClient();
        assertThat(rest.submit(file, name, Files.readString(file)).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).until(() ->
                rest.get(name).body().path("stages").get(1).path("rowsOut").asLong() > 0);
    }

    private static JsonNode awaitEnd(CoordinatorClient rest, String name) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = rest.get(name).body();
            return Set.of("SUCCEEDED", "FAILED", "CANCELLED").contains(last[0].path("state").asText());
        });
        return last[0];
    }

    private FlightClient client(Location location) {
        return FlightClient.builder(allocator, location).build();
    }

    private static Location location(String hostPort) {
        String[] parts = hostPort.split(":");
        return Location.forGrpcInsecure(parts[0], Integer.parseInt(parts[1]));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> http(String method, String url, Optional<String> authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, HttpRequest.BodyPublishers.noBody());
        authorization.ifPresent(value -> request.header("Authorization", value));
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertRefused(HttpResponse<String> response, String message) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        JsonNode body = MAPPER.readTree(response.body());
        assertThat(body.path("code").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(body.path("message").asText()).isEqualTo(message);
    }
}
