package dev.skein.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** The coordinator's REST API from the command line's side. */
public final class CoordinatorClient {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public CoordinatorClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** Submits a pipeline file; relative paths in it resolve against its directory. */
    public ApiResponse submit(Path file, String name, String yaml) {
        Path baseDir = file.toAbsolutePath().getParent();
        String query = "?file=" + encode(file.toString()) + "&base-dir=" + encode(baseDir.toString());
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/pipelines/" + encode(name) + query))
                .header("Content-Type", "application/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(yaml)));
    }

    public ApiResponse get(String name) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/pipelines/" + encode(name))).GET());
    }

    public ApiResponse list() {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/pipelines")).GET());
    }

    public ApiResponse cancel(String name) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/pipelines/" + encode(name))).DELETE());
    }

    private ApiResponse send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(response.body());
            return new ApiResponse(response.statusCode(), body);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot reach the coordinator at " + baseUrl + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkeinException(ErrorCode.CANCELLED, "interrupted while calling the coordinator");
        }
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
