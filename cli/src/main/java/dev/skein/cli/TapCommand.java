package dev.skein.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
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
            description = "coordinator's Flight address (default ${DEFAULT-VALUE})")
    String coordinator;

    @Option(names = "--limit", defaultValue = "100", description = "rows per task before stopping (default ${DEFAULT-VALUE})")
    long limit;

    @Option(names = "--follow", description = "keep printing until the pipeline ends")
    boolean follow;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default ${DEFAULT-VALUE})")
    String format;

    @Mixin
    LoginOptions login;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String[] parts = target.split("[./]", 2);
        if (parts.length != 2 || !List.of("table", "csv", "json").contains(format)) {
            err.println("error: expected PIPELINE/STAGE and --format table|csv|json");
            return Main.EXIT_USAGE;
        }
        String[] hostPort = coordinator.split(":");
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("pipeline", parts[0]);
        command.put("stage", parts[1]);
        command.put("limit", limit);
        command.put("follow", follow);
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient client = FlightClient.builder(allocator,
                        Location.forGrpcInsecure(hostPort[0], Integer.parseInt(hostPort[1]))).build()) {
            // One login at the coordinator; its token is good on the workers too.
            CallOption[] credentials = login.credentials().flightOptions(client);
            FlightInfo info = client.getInfo(FlightDescriptor.command(MAPPER.writeValueAsBytes(command)), credentials);
            err.println("tapping " + target + ": " + info.getEndpoints().size() + " task(s)");
            AtomicBoolean headerPrinted = new AtomicBoolean(format.equals("json"));
            ExecutorService readers = Executors.newFixedThreadPool(info.getEndpoints().size());
            try {
                List<Future<Long>> done = new ArrayList<>();
                for (FlightEndpoint endpoint : info.getEndpoints()) {
                    done.add(readers.submit(() -> read(allocator, endpoint, credentials, out, err, headerPrinted)));
                }
                long rows = 0;
                for (Future<Long> future : done) {
                    rows += future.get();
                }
                err.println(rows + " rows");
            } finally {
                readers.shutdownNow();
            }
        }
        return Main.EXIT_OK;
    }

    private long read(BufferAllocator allocator, FlightEndpoint endpoint, CallOption[] credentials, PrintWriter out,
            PrintWriter err, AtomicBoolean headerPrinted) throws Exception {
        Location location = endpoint.getLocations().get(0);
        long rows = 0;
        try (FlightClient worker = FlightClient.builder(allocator, location).build();
                FlightStream stream = worker.getStream(endpoint.getTicket(), credentials)) {
            VectorSchemaRoot root = stream.getRoot();
            while (stream.next()) {
                if (stream.getLatestMetadata() != null) {
                    byte[] bytes = new byte[(int) stream.getLatestMetadata().readableBytes()];
                    stream.getLatestMetadata().getBytes(0, bytes);
                    err.println("notice from " + location.getUri() + ": " + new String(bytes, StandardCharsets.UTF_8));
                }
                synchronized (out) {
                    if (headerPrinted.compareAndSet(false, true)) {
                        out.println(root.getSchema().getFields().stream().map(Field::getName)
                                .collect(Collectors.joining(format.equals("csv") ? "," : " | ")));
                    }
                    for (int row = 0; row < root.getRowCount(); row++) {
                        out.println(render(root, row));
                    }
                    out.flush();
                }
                rows += root.getRowCount();
            }
        }
        return rows;
    }

    private String render(VectorSchemaRoot root, int row) throws Exception {
        List<String> values = new ArrayList<>();
        Map<String, Object> json = new LinkedHashMap<>();
        for (FieldVector vector : root.getFieldVectors()) {
            Object value = vector.getObject(row);
            values.add(value == null ? (format.equals("csv") ? "" : "NULL") : value.toString());
            json.put(vector.getName(), value == null ? null : value.toString());
        }
        return switch (format) {
            case "json" -> MAPPER.writeValueAsString(json);
            case "csv" -> values.stream().map(TapCommand::csvField).collect(Collectors.joining(","));
            default -> String.join(" | ", values);
        };
    }

    private static String csvField(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\""
                : value;
    }
}
