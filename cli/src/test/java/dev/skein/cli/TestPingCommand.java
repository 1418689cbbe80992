package dev.skein.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Result;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TestPingCommand {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int ping(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        String[] full = new String[args.length + 1];
        full[0] = "ping";
        System.arraycopy(args, 0, full, 1, args.length);
        return commandLine.execute(full);
    }

    @Test
    void flightServerAnsweringPongExitsZero() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                FlightServer server = answering(allocator, "pong")) {
            assertThat(ping("--flight", "127.0.0.1:" + server.getPort())).isZero();
        }
        assertThat(out.toString()).isEqualTo("pong\n");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void flightServerAnsweringSomethingElseExitsOne() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                FlightServer server = answering(allocator, "busy")) {
            assertThat(ping("--flight", "127.0.0.1:" + server.getPort())).isEqualTo(1);
            assertThat(err.toString())
                    .isEqualTo(
                            "error: worker at 127.0.0.1:" + server.getPort() + " answered 'busy' instead of 'pong'\n");
        }
    }

    @Test
    void nothingListeningExitsOneAndNamesTheAddress() throws Exception {
        int port;
        try (BufferAllocator allocator = new RootAllocator();
                FlightServer server = answering(allocator, "pong")) {
            port = server.getPort();
        }

        assertThat(ping("--flight", "127.0.0.1:" + port, "--timeout", "2")).isEqualTo(1);
        assertThat(err.toString()).startsWith("error: worker at 127.0.0.1:" + port + " did not answer: UNAVAILABLE");
    }

    @Test
    void coordinatorAnsweringPongOverHttpExitsZero() {
        HttpServer server = httpServer(200, "pong");
        try {
            int port = server.getAddress().getPort();
            assertThat(ping("--http", "http://127.0.0.1:" + port)).isZero();
            assertThat(ping("--http", "http://127.0.0.1:" + port + "/")).isZero();
        } finally {
            server.stop(0);
        }
        assertThat(out.toString()).isEqualTo("pong\npong\n");
    }

    @Test
    void coordinatorNotListeningExitsOne() {
        HttpServer server = httpServer(200, "pong");
        int port = server.getAddress().getPort();
        server.stop(0);

        assertThat(ping("--http", "http://127.0.0.1:" + port)).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo("error: coordinator at http://127.0.0.1:" + port + " did not answer: ConnectException\n");
    }

    @Test
    void coordinatorAnsweringAnErrorStatusExitsOne() {
        HttpServer server = httpServer(503, "starting");
        try {
            int port = server.getAddress().getPort();
            assertThat(ping("--http", "http://127.0.0.1:" + port)).isEqualTo(1);
            assertThat(err.toString())
                    .isEqualTo("error: coordinator at http://127.0.0.1:" + port
                            + " answered 'HTTP 503' instead of 'pong'\n");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void malformedAddressOrNoTargetOrBothTargetsAreUsageErrors() {
        assertThat(ping("--flight", "localhost")).isEqualTo(2);
        assertThat(err.toString()).contains("expected HOST:PORT or a URL but was 'localhost'");
        assertThat(ping("--flight", "localhost:http")).isEqualTo(2);
        assertThat(ping()).isEqualTo(2);
        assertThat(ping("--flight", "localhost:8815", "--http", "http://localhost:8080"))
                .isEqualTo(2);
    }

    private static FlightServer answering(BufferAllocator allocator, String answer) throws Exception {
        return FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), new NoOpFlightProducer() {
                    @Override
                    public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
                        listener.onNext(new Result(answer.getBytes(StandardCharsets.UTF_8)));
                        listener.onCompleted();
                    }
                })
                .build()
                .start();
    }

    private static HttpServer httpServer(int status, String body) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/ping", exchange -> {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
