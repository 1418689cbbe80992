package dev.skein.cli;

import dev.skein.cli.client.NodeAddress;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * Asks one node whether it serves: a worker through Flight {@code DoAction("ping")}, a coordinator
 * through {@code GET /ping}. Exit 0 on "pong", 1 otherwise; container health checks run it.
 */
@Command(mixinStandardHelpOptions = true, name = "ping", description = "Check that a worker (Flight) or a coordinator (HTTP) answers; exit 0 on pong.")
final class PingCommand implements Callable<Integer> {
    private static final String PONG = "pong";

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    @Option(
            names = "--timeout",
            defaultValue = "5",
            description = "seconds to wait for the answer (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Mixin
    LoginOptions login;

    @Spec
    CommandSpec spec;

    static final class Target {
        @Option(
                names = "--flight",
                paramLabel = "HOST:PORT",
                converter = FlightAddressConverter.class,
                description = "a worker's Flight address, HOST:PORT or grpc+tcp://HOST:PORT, e.g. 127.0.0.1:8815")
        FlightAddress flight;

        @Option(
                names = "--http",
                paramLabel = "URL",
                converter = HttpAddressConverter.class,
                description = "a coordinator's base URL or HOST:PORT, e.g. http://127.0.0.1:8080")
        URI http;
    }

    /** A Flight server's address as given on the command line. */
    record FlightAddress(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** Parses {@code HOST:PORT} or a URL while picocli parses, so a bad address is a usage error (exit 2). */
    static final class FlightAddressConverter implements ITypeConverter<FlightAddress> {
        @Override
        public FlightAddress convert(String value) {
            NodeAddress address = parse(value);
            return new FlightAddress(address.host(), address.port());
        }
    }

    /** Parses a URL or {@code HOST:PORT} (then http) while picocli parses. */
    static final class HttpAddressConverter implements ITypeConverter<URI> {
        @Override
        public URI convert(String value) {
            return URI.create(parse(value).httpUrl());
        }
    }

    private static NodeAddress parse(String value) {
        try {
            return NodeAddress.parse(value, "address");
        } catch (SkeinException e) {
            throw new TypeConversionException("expected HOST:PORT or a URL but was '" + value + "'");
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String target =
                this.target.flight != null ? "worker at " + this.target.flight : "coordinator at " + this.target.http;
        String answer;
        try {
            answer = this.target.flight != null ? pingFlight(this.target.flight) : pingHttp(this.target.http);
        } catch (IOException | RuntimeException e) {
            err.println("error: " + target + " did not answer: " + describe(e));
            return Main.EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted while waiting for the " + target);
            return Main.EXIT_FAILED;
        }
        if (!PONG.equals(answer)) {
            err.println("error: " + target + " answered '" + answer + "' instead of '" + PONG + "'");
            return Main.EXIT_FAILED;
        }
        out.println(PONG);
        return Main.EXIT_OK;
    }

    private static String describe(Exception e) {
        // A refused connection comes as a ConnectException without a message.
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    private String pingFlight(FlightAddress address) throws InterruptedException {
        try (BufferAllocator allocator = new RootAllocator()) {
            // Not try-with-resources: FlightClient.close() throws InterruptedException, passed on as is.
            FlightClient client = FlightClient.builder(
                            allocator, Location.forGrpcInsecure(address.host(), address.port()))
                    .build();
            try {
                CallOption timeout = CallOptions.timeout(timeoutSeconds, TimeUnit.SECONDS);
                Iterator<Result> results = client.doAction(new Action("ping"), withCredentials(client, timeout));
                String answer = results.hasNext() ? new String(results.next().getBody(), StandardCharsets.UTF_8) : "";
                // Drain the stream so the call completes before the client closes.
                while (results.hasNext()) {
                    results.next();
                }
                return answer;
            } catch (FlightRuntimeException e) {
                throw new IllegalStateException(e.status().code() + ": " + e.getMessage(), e);
            } finally {
                client.close();
            }
        }
    }

    /** {@code options} plus what authenticates the call, if the command has credentials (see {@link LoginOptions}). */
    private CallOption[] withCredentials(FlightClient client, CallOption... options) {
        CallOption[] credentials = login.credentials().flightOptions(client);
        CallOption[] all = Arrays.copyOf(options, options.length + credentials.length);
        System.arraycopy(credentials, 0, all, options.length, credentials.length);
        return all;
    }

    private String pingHttp(URI base) throws IOException, InterruptedException {
        String url = base.toString().endsWith("/") ? base + "ping" : base + "/ping";
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode();
        }
        return response.body().strip();
    }
}
