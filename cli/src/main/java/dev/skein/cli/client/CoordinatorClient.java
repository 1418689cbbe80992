package dev.skein.cli.client;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.skein.cluster.flight.NetworkFailures;
import dev.skein.spec.Placement;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The coordinator's REST API from the command line's side. With a user's credentials it logs in
 * once ({@code POST /api/v1/token}) and sends the token on every call, logging in again when the
 * token has expired; with the cluster secret it signs its own token.
 *
 * <p>Given several coordinators (high availability), it talks to one and moves on to the next when
 * that one cannot be reached (refused, timed out) or answers 503 {@code NOT_LEADER} (no leader
 * during a failover), trying each at most once per call; it stays with the one that answered.
 * Repeating a call is safe: a pipeline submitted twice answers 409. Thread-safe.
 */
public final class CoordinatorClient {
    /** Keeps a view's numbers as the coordinator wrote them: DECIMAL 1.50 stays 1.50 (see ArrowValues). */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, true)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    private static final String TOKEN_PATH = "/api/v1/token";

    private final List<String> baseUrls;
    private final AtomicInteger current = new AtomicInteger();
    private final ClientCredentials credentials;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** The {@code Authorization} value from the last login; empty when the coordinator wants none. */
    private final AtomicReference<Optional<String>> login = new AtomicReference<>();

    /** A client for an open coordinator. */
    public CoordinatorClient(String baseUrl) {
        this(baseUrl, ClientCredentials.none());
    }

    public CoordinatorClient(String baseUrl, ClientCredentials credentials) {
        this(List.of(baseUrl), credentials);
    }

    /** A client of several coordinators, tried in this order. */
    public CoordinatorClient(List<String> baseUrls, ClientCredentials credentials) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("no coordinator address");
        }
        this.baseUrls = baseUrls.stream()
                .map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url)
                .toList();
        this.credentials = requireNonNull(credentials, "credentials is null");
    }

    /** The coordinator this client talks to now. */
    private String baseUrl() {
        return baseUrls.get(current.get());
    }

    /** Submits a pipeline file; relative paths in it resolve against its directory. */
    public ApiResponse submit(Path file, String name, String yaml) {
        return submit(file, name, yaml, Optional.empty());
    }

    /** Submits with {@code placement} over the file's own, if given. */
    public ApiResponse submit(Path file, String name, String yaml, Optional<Placement> placement) {
        Path baseDir = file.toAbsolutePath().getParent();
        String query = "?file=" + encode(file.toString()) + "&base-dir=" + encode(baseDir.toString())
                + placement.map(p -> "&placement=" + p.name().toLowerCase(Locale.ROOT)).orElse("");
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/pipelines/" + encode(name) + query))
                .header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(yaml)));
    }

    public ApiResponse get(String name) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/pipelines/" + encode(name))).GET());
    }

    public ApiResponse list() {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/pipelines")).GET());
    }

    /** Which coordinator answers, whether it leads, and the leader's term and addresses. */
    public ApiResponse leader() {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/leader")).GET());
    }

    /** Tells an ingest pipeline that its input is complete. */
    public ApiResponse finishIngest(String name) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/pipelines/" + encode(name) + "/finish-ingest"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** The live workers: address, tasks, metrics URL, memory. */
    public ApiResponse workers() {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/workers")).GET());
    }

    public ApiResponse cancel(String name) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/pipelines/" + encode(name))).DELETE());
    }

    /** Removes a finished pipeline from the cluster's list. */
    public ApiResponse forget(String name) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/pipelines/" + encode(name) + "?forget=true"))
                .DELETE());
    }

    /**
     * Logs in with the user's credentials: the token the coordinator hands out, as an {@code
     * Authorization} value, or empty if the coordinator runs without authentication.
     */
    public Optional<String> login() {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + TOKEN_PATH))
                .POST(HttpRequest.BodyPublishers.noBody());
        ApiResponse response = sendOnce(request, credentials.basicAuthorization());
        if (response.status() == 404) {
            return Optional.empty();
        }
        if (!response.ok()) {
            throw new SkeinException(response.status() == 401 ? ErrorCode.UNAUTHENTICATED : ErrorCode.EXTERNAL,
                    "the coordinator at " + baseUrl() + " refused user '" + credentials.user().orElse("") + "': "
                            + response.body().path("message").asText());
        }
        return Optional.of("Bearer " + response.body().path("token").asText());
    }

    private Optional<String> authorization(boolean renew) {
        if (credentials.user().isEmpty()) {
            return credentials.selfSignedToken().map(token -> "Bearer " + token);
        }
        Optional<String> current = login.get();
        if (current == null || renew) {
            current = login();
            login.set(current);
        }
        return current;
    }

    private ApiResponse send(HttpRequest.Builder request) {
        ApiResponse response = sendOnce(request, authorization(false));
        if (response.status() == 401 && credentials.user().isPresent()) {
            // The token expired while we were watching: log in again, once.
            response = sendOnce(request, authorization(true));
        }
        if (response.status() == 401) {
            throw new SkeinException(ErrorCode.UNAUTHENTICATED, credentials.isNone()
                    ? "the coordinator at " + baseUrl() + " requires authentication: give --user and --password"
                            + " (or set SKEIN_USER and SKEIN_PASSWORD)"
                    : "the coordinator at " + baseUrl() + " refused the credentials: "
                            + response.body().path("message").asText());
        }
        return response;
    }

    /**
     * Sends to the current coordinator, then to each other one in turn while the answer is "cannot
     * reach" or 503 NOT_LEADER; the last answer or failure stands.
     */
    private ApiResponse sendOnce(HttpRequest.Builder request, Optional<String> authorization) {
        int first = current.get();
        for (int attempt = 0; ; attempt++) {
            int index = (first + attempt) % baseUrls.size();
            boolean last = attempt == baseUrls.size() - 1;
            try {
                ApiResponse response = sendTo(baseUrls.get(index), request, authorization);
                if (last || !isNotLeader(response)) {
                    current.set(index);
                    return response;
                }
            } catch (SkeinException e) {
                if (last || e.errorCode() != ErrorCode.EXTERNAL) {
                    throw e;
                }
            }
        }
    }

    private static boolean isNotLeader(ApiResponse response) {
        return response.status() == 503 && ErrorCode.NOT_LEADER.name().equals(response.body().path("code").asText());
    }

    private ApiResponse sendTo(String baseUrl, HttpRequest.Builder template, Optional<String> authorization) {
        HttpRequest built = template.copy().build();
        HttpRequest.Builder copy = HttpRequest.newBuilder(rebase(built.uri(), baseUrl))
                .method(built.method(), built.bodyPublisher().orElse(HttpRequest.BodyPublishers.noBody()))
                .timeout(Duration.ofSeconds(60));
        built.headers().map().forEach((name, values) -> values.forEach(value -> copy.header(name, value)));
        authorization.ifPresent(value -> copy.setHeader("Authorization", value));
        try {
            HttpResponse<String> response = http.send(copy.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(response.body());
            return new ApiResponse(response.statusCode(), body);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.EXTERNAL, NetworkFailures.describe("the coordinator", baseUrl, e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkeinException(ErrorCode.CANCELLED, "interrupted while calling the coordinator");
        }
    }

    /** {@code uri}, built on one of the coordinators' addresses, on the coordinator at {@code baseUrl}. */
    private URI rebase(URI uri, String baseUrl) {
        String text = uri.toString();
        for (String base : baseUrls) {
            if (text.startsWith(base + "/")) {
                return URI.create(baseUrl + text.substring(base.length()));
            }
        }
        return uri;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * An answer of the REST API.
     *
     * @param status HTTP status
     * @param body JSON body
     */
    public record ApiResponse(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }
}
