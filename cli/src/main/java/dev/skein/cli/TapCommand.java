package dev.skein.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skein.cli.client.NodeAddress;
import dev.skein.cluster.flight.NetworkFailures;
import dev.skein.cluster.values.ArrowValues;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(mixinStandardHelpOptions = true, name = "tap", description = "Print a running stage's output, from now on, read from all its tasks in parallel.")
final class TapCommand implements Callable<Integer> {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Parameters(paramLabel = "PIPELINE/STAGE", description = "the stage to tap, e.g. w1/enrich")
    String target;

    @Option(names = "--coordinator-flight", defaultValue = "localhost:8816",
            description = "coordinator's Flight address, HOST:PORT or grpc+tcp://HOST:PORT (default ${DEFAULT-VALUE})")
    String coordinator;

    @Option(names = "--limit", defaultValue = "100", description = "rows per task before stopping (default ${DEFAULT-VALUE})")
    long limit;

    @Option(names = "--follow", description = "keep printing until the pipeline ends")
    boolean follow;

    @Option(names = "--format", defaultValue = "table",
            description = "table, csv or json (one JSON object per row; default ${DEFAULT-VALUE})")
    String format;

    @Mixin
    LoginOptions login;

    @Spec
    CommandSpec spec;

    /** Set when stdout is closed (e.g. {@code | head -3}): every reader stops and the command ends. */
    private final AtomicBoolean outputClosed = new AtomicBoolean();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String[] parts = target.split("[./]", 2);
        if (parts.length != 2 || !List.of("table", "csv", "json").contains(format)) {
            err.println("error: expected PIPELINE/STAGE and --format table|csv|json");
            return Main.EXIT_USAGE;
        }
        NodeAddress address = NodeAddress.parse(coordinator, "--coordinator-flight");
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("pipeline", parts[0]);
        command.put("stage", parts[1]);
        command.put("limit", limit);
        command.put("follow", follow);
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient client = FlightClient.builder(allocator,
                        Location.forGrpcInsecure(address.host(), address.port())).build()) {
            FlightInfo info;
            CallOption[] credentials;
            try {
                // One login at the coordinator; its token is good on the workers too.
                credentials = login.credentials().flightOptions(client);
                info = client.getInfo(FlightDescriptor.command(MAPPER.writeValueAsBytes(command)), credentials);
            } catch (FlightRuntimeException e) {
                throw unreachable("the coordinator's Flight endpoint", address.toString(), e);
            }
            err.println("tapping " + target + ": " + info.getEndpoints().size() + " task(s)");
            AtomicBoolean headerPrinted = new AtomicBoolean(format.equals("json"));
            AtomicLong dropped = new AtomicLong();
            ExecutorService readers = Executors.newFixedThreadPool(info.getEndpoints().size());
            try {
                List<Future<Long>> done = new ArrayList<>();
                for (FlightEndpoint endpoint : info.getEndpoints()) {
                    done.add(readers.submit(() -> read(allocator, endpoint, credentials, out, headerPrinted, dropped)));
                }
                long rows = 0;
                for (Future<Long> future : done) {
                    rows += get(future);
                }
                if (!outputClosed.get()) {
                    err.println(rows + " rows" + (dropped.get() == 0 ? ""
                            : "; " + dropped.get() + " batches skipped because the tap fell behind the stage"));
                }
            } finally {
                readers.shutdownNow();
            }
        }
        return Main.EXIT_OK;
    }

    private static long get(Future<Long> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
        }
    }

    private long read(BufferAllocator allocator, FlightEndpoint endpoint, CallOption[] credentials, PrintWriter out,
            AtomicBoolean headerPrinted, AtomicLong droppedTotal) {
        Location location = endpoint.getLocations().get(0);
        long rows = 0;
        long dropped = 0;
        try (FlightClient worker = FlightClient.builder(allocator, location).build();
                FlightStream stream = worker.getStream(endpoint.getTicket(), credentials)) {
            VectorSchemaRoot root = stream.getRoot();
            while (!outputClosed.get() && stream.next()) {
                if (stream.getLatestMetadata() != null) {
                    // Cumulative per task: keep the latest, report the sum once at the end.
                    byte[] bytes = new byte[(int) stream.getLatestMetadata().readableBytes()];
                    stream.getLatestMetadata().getBytes(0, bytes);
                    long now = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8)).path("dropped").asLong(dropped);
                    droppedTotal.addAndGet(now - dropped);
                    dropped = now;
                }
                synchronized (out) {
                    if (headerPrinted.compareAndSet(false, true)) {
                        out.println(root.getSchema().getFields().stream().map(Field::getName)
                                .collect(Collectors.joining(format.equals("csv") ? "," : " | ")));
                    }
                    for (int row = 0; row < root.getRowCount(); row++) {
                        out.println(render(root, row));
                    }
                    if (out.checkError()) {
                        outputClosed.set(true);
                    }
                }
                rows += root.getRowCount();
            }
            if (outputClosed.get()) {
                stream.cancel("the reader's output was closed", null);
            }
        } catch (FlightRuntimeException e) {
            if (outputClosed.get() && e.status().code() == FlightStatusCode.CANCELLED) {
                return rows;
            }
            throw unreachable("the worker of a tapped task", location.getUri().toString(), e);
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "reading the tap at " + location.getUri() + " failed: "
                    + NetworkFailures.reason(e), e);
        }
        return rows;
    }

    private static SkeinException unreachable(String what, String address, FlightRuntimeException e) {
        if (e.status().code() == FlightStatusCode.UNAVAILABLE || e.status().code() == FlightStatusCode.TIMED_OUT) {
            return new SkeinException(ErrorCode.EXTERNAL, NetworkFailures.describe(what, address, e), e);
        }
        return new SkeinException(ErrorCode.EXTERNAL, e.getMessage(), e);
    }

    private String render(VectorSchemaRoot root, int row) {
        if (format.equals("json")) {
            ObjectNode json = MAPPER.createObjectNode();
            for (FieldVector vector : root.getFieldVectors()) {
                json.set(vector.getName(), ArrowValues.json(vector, row));
            }
            return json.toString();
        }
        List<String> values = new ArrayList<>();
        for (FieldVector vector : root.getFieldVectors()) {
            String text = ArrowValues.text(ArrowValues.json(vector, row), format.equals("csv") ? "" : "NULL");
            values.add(format.equals("csv") ? csvField(text) : text);
        }
        return String.join(format.equals("csv") ? "," : " | ", values);
    }

    private static String csvField(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\""
                : value;
    }
}
