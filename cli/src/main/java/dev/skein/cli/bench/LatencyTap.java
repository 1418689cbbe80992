package dev.skein.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A following tap on every task of a stage that notes, for each source batch, when the last of its
 * rows arrived here. Source batches are told apart by {@code id / batchRows}; each row carries the
 * time its batch was sent ({@code sent_us}, epoch microseconds, this JVM's clock). Thread-safe.
 */
final class LatencyTap implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What arrived of one source batch.
     *
     * @param sentMicros when the batch was sent
     * @param lastMicros when its last row seen so far arrived
     * @param rows rows seen so far
     */
    record Arrival(long sentMicros, long lastMicros, long rows) {
        Arrival merge(Arrival other) {
            return new Arrival(sentMicros, Math.max(lastMicros, other.lastMicros), rows + other.rows);
        }
    }

    private final Map<Long, Arrival> arrivals = new ConcurrentHashMap<>();
    private final AtomicInteger receiving = new AtomicInteger();
    private final List<FlightClient> workers = new ArrayList<>();
    private final List<Future<?>> readers = new ArrayList<>();
    private final ExecutorService threads;
    private final int batchRows;

    private LatencyTap(int endpoints, int batchRows) {
        this.threads = Executors.newFixedThreadPool(endpoints, runnable -> {
            Thread thread = new Thread(runnable, "latency-tap");
            thread.setDaemon(true);
            return thread;
        });
        this.batchRows = batchRows;
    }

    /** Opens the tap on {@code pipeline}'s {@code stage}, retrying while the stage is not running yet. */
    static LatencyTap open(BufferAllocator allocator, FlightClient coordinator, String pipeline, String stage,
            int batchRows) throws Exception {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put("pipeline", pipeline);
        command.put("stage", stage);
        command.put("follow", true);
        byte[] bytes = MAPPER.writeValueAsBytes(command);
        long deadline = System.nanoTime() + OPEN_TIMEOUT.toNanos();
        FlightInfo info;
        while (true) {
            try {
                info = coordinator.getInfo(FlightDescriptor.command(bytes));
                break;
            } catch (FlightRuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new SkeinException(ErrorCode.INTERNAL, "cannot tap '" + pipeline + "/" + stage + "' within "
                            + OPEN_TIMEOUT.toSeconds() + " s: " + e.getMessage(), e);
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
        LatencyTap tap = new LatencyTap(info.getEndpoints().size(), batchRows);
        for (FlightEndpoint endpoint : info.getEndpoints()) {
            FlightClient worker = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
            tap.workers.add(worker);
            tap.readers.add(tap.threads.submit(() -> tap.read(worker, endpoint)));
        }
        return tap;
    }

    private Void read(FlightClient worker, FlightEndpoint endpoint) throws Exception {
        try (FlightStream stream = worker.getStream(endpoint.getTicket())) {
            VectorSchemaRoot root = stream.getRoot();
            boolean first = true;
            while (stream.next()) {
                if (first) {
                    first = false;
                    receiving.incrementAndGet();
                }
                long arrived = LatencyBenchmark.nowMicros();
                BigIntVector id = (BigIntVector) root.getVector("id");
                BigIntVector sent = (BigIntVector) root.getVector("sent_us");
                Map<Long, Arrival> batch = new HashMap<>();
                for (int row = 0; row < root.getRowCount(); row++) {
                    batch.merge(id.get(row) / batchRows, new Arrival(sent.get(row), arrived, 1), Arrival::merge);
                }
                batch.forEach((sequence, arrival) -> arrivals.merge(sequence, arrival, Arrival::merge));
            }
        }
        return null;
    }

    /** Whether rows arrived from every task: from then on, the tap sees everything the stage emits. */
    boolean receivingFromEveryTask() {
        return receiving.get() == readers.size();
    }

    /** Waits until every task's tap stream ended (the pipeline ended). */
    void awaitEnd(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<?> reader : readers) {
            reader.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /** What arrived of each source batch so far, by sequence number. */
    Map<Long, Arrival> arrivals() {
        return Map.copyOf(arrivals);
    }

    @Override
    public void close() throws Exception {
        threads.shutdownNow();
        for (FlightClient worker : workers) {
            worker.close();
        }
    }
}
