package dev.skein.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client given several coordinators moves on from one it cannot reach and from one that does
 * not lead, and stays with the one that answered. The coordinators are stand-ins that answer as
 * the real REST API does (a standby during a failover: 503 with code NOT_LEADER).
 */
class TestCoordinatorFailover {
    private final List<HttpServer> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(server -> server.stop(0));
    }

    @Test
    void skipsAnUnreachableCoordinatorAndOneWithoutLeadershipThenStaysWithTheLeader() throws Exception {
        AtomicInteger standbyCalls = new AtomicInteger();
        AtomicInteger leaderCalls = new AtomicInteger();
        String unreachable = "http://127.0.0.1:" + freePort();
        String standby = serve(503, "{\"code\":\"NOT_LEADER\",\"message\":\"coordinator 'c2' does not lead\"}",
                standbyCalls);
        String leader = serve(200, "[{\"name\":\"w1\"}]", leaderCalls);
        CoordinatorClient client = new CoordinatorClient(List.of(unreachable, standby, leader), ClientCredentials.none());

        CoordinatorClient.ApiResponse first = client.list();
        CoordinatorClient.ApiResponse second = client.list();

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.body().get(0).path("name").asText()).isEqualTo("w1");
        assertThat(second.status()).isEqualTo(200);
        assertThat(standbyCalls).hasValue(1);
        assertThat(leaderCalls).hasValue(2);
    }

    @Test
    void anyOtherErrorIsTheAnswerAndNotARetry() throws Exception {
        AtomicInteger firstCalls = new AtomicInteger();
        AtomicInteger secondCalls = new AtomicInteger();
        String refusing = serve(404, "{\"code\":\"NOT_FOUND\",\"message\":\"no pipeline 'x'\"}", firstCalls);
        String other = serve(200, "{}", secondCalls);
        CoordinatorClient client = new CoordinatorClient(List.of(refusing, other), ClientCredentials.none());

        assertThat(client.get("x").status()).isEqualTo(404);
        assertThat(secondCalls).hasValue(0);
    }

    @Test
    void whenNoneCanBeReachedTheLastFailureIsReported() throws Exception {
        String first = "http://127.0.0.1:" + freePort();
        String second = "http://127.0.0.1:" + freePort();
        CoordinatorClient client = new CoordinatorClient(List.of(first, second), ClientCredentials.none());

        assertThatThrownBy(client::list)
                .isInstanceOfSatisfying(SkeinException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.EXTERNAL))
                .hasMessageContaining(second);
    }

    private String serve(int status, String body, AtomicInteger calls) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            calls.incrementAndGet();
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        servers.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A port nothing listens on: bound once by the system's choice, then closed. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
