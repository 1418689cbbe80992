package dev.skein.cli.bench;

import dev.skein.spec.Placement;
import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.client.PipelineWatcher;
import dev.skein.cli.local.LocalCluster;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A sparse source through W1's per-batch stages: an {@code ingest} pipeline with W1's columns and
 * the send time ({@code sent_us}), then {@code filter} and {@code enrich} as in W1. This JVM puts one
 * batch of {@value #BATCH_ROWS} rows every {@value #INTERVAL_MILLIS} ms into one DoPut stream and
 * taps {@code enrich}; a batch's latency is from just before its {@code putNext} to the arrival of
 * its last row at the tap (so it includes the ingest hop and the tap hop).
 */
public final class LatencyBenchmark {
    static final int BATCH_ROWS = 1_000;
    static final long INTERVAL_MILLIS = 100;
    private static final String NAME = "w1latency";
    private static final Instant TS_BASE = Instant.parse("2026-01-01T00:00:00Z");

    /**
     * Warm-up batches sent beyond {@code warmUpBatches} while the tap is not yet receiving from
     * every task (it can open only once the stage has produced output): at most a minute's worth.
     */
    private static final int MAX_EXTRA_WARM_UP = 600;

    private LatencyBenchmark() {}

    static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    /**
     * @param batches measured batches, after {@code warmUpBatches} that are sent the same way and
     *     not counted
     */
    public static LatencyReport run(int workers, int batches, int warmUpBatches, Placement placement, PrintStream progress)
            throws Exception {
        Path file = Files.createTempDirectory("skein-bench-").resolve(NAME + ".yaml");
        Files.writeString(file, W1Workload.latencyYaml(NAME, placement));
        int most = warmUpBatches + MAX_EXTRA_WARM_UP + batches;
        long[] expectedRows = new long[most];
        AtomicInteger firstMeasured = new AtomicInteger(-1);
        progress.println("latency: starting a local cluster of " + workers + " worker processes");
        try (LocalCluster cluster = LocalCluster.start(workers, "1g", 1);
                BufferAllocator allocator = new RootAllocator();
                FlightClient coordinator = FlightClient.builder(allocator, location(cluster)).build()) {
            CoordinatorClient client = cluster.coordinatorClient();
            CoordinatorClient.ApiResponse submitted = client.submit(file, NAME, Files.readString(file));
            if (!submitted.ok()) {
                throw new SkeinException(ErrorCode.INTERNAL, "latency pipeline refused: " + submitted.body());
            }
            FlightInfo ingest = ingestInfo(coordinator);
            progress.println("latency: " + warmUpBatches + " warm-up and " + batches + " measured batches of "
                    + BATCH_ROWS + " rows, one every " + INTERVAL_MILLIS + " ms");
            AtomicReference<LatencyTap> tapped = new AtomicReference<>();
            CompletableFuture<Void> sent = new CompletableFuture<>();
            Thread writer = new Thread(() -> {
                try {
                    // Measured batches wait until the tap gets rows from every task: a tap only sees what
                    // comes after it opened, and it can open only once the stage has produced output.
                    put(allocator, ingest, expectedRows, warmUpBatches, batches,
                            () -> tapped.get() != null && tapped.get().receivingFromEveryTask(), firstMeasured, sent);
                } catch (Throwable e) {
                    sent.completeExceptionally(e);
                }
            }, "latency-writer");
            writer.start();
            try (LatencyTap tap = LatencyTap.open(allocator, coordinator, NAME, "enrich", BATCH_ROWS)) {
                tapped.set(tap);
                sent.get((long) most * INTERVAL_MILLIS + 60_000, TimeUnit.MILLISECONDS);
                writer.join();
                coordinator.doAction(new Action("finish-ingest", NAME.getBytes(StandardCharsets.UTF_8)))
                        .forEachRemaining(result -> {});
                JsonNode view = new PipelineWatcher(client, progress).await(NAME);
                if (!"SUCCEEDED".equals(view.path("state").asText())) {
                    throw new SkeinException(ErrorCode.STAGE_FAILED, "latency pipeline " + view.path("state").asText()
                            + ": " + view.path("failure").asText());
                }
                tap.awaitEnd(Duration.ofSeconds(30));
                int total = firstMeasured.get() + batches;
                return report(workers, firstMeasured.get(), batches, expectedRows, tap.arrivals(),
                        view.path("sourceRows").asLong() == (long) total * BATCH_ROWS);
            } finally {
                // Stops the writer if the run failed before it finished; a no-op otherwise.
                sent.cancel(false);
                writer.join(10_000);
            }
        }
    }

    /**
     * One DoPut stream; a timer thread fills and sends one batch per interval, until all are sent
     * or {@code sent} is completed from outside, then ends the stream. Warm-up lasts {@code
     * warmUpBatches} batches and then as long as {@code measuring} is false (the tap is not yet
     * receiving from every task); the first measured batch's sequence goes to {@code firstMeasured},
     * and {@code batches} measured batches follow.
     */
    private static void put(BufferAllocator allocator, FlightInfo ingest, long[] expectedRows, int warmUpBatches,
            int batches, BooleanSupplier measuring, AtomicInteger firstMeasured, CompletableFuture<Void> sent)
            throws Exception {
        FlightEndpoint endpoint = ingest.getEndpoints().get(0);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try (FlightClient worker = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
                VectorSchemaRoot root = VectorSchemaRoot.create(ingest.getSchema(), allocator)) {
            SyncPutListener listener = new SyncPutListener();
            FlightClient.ClientStreamListener stream =
                    worker.startPut(FlightDescriptor.command(endpoint.getTicket().getBytes()), root, listener);
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<RuntimeException> failure = new AtomicReference<>();
            int[] next = {0};
            timer.scheduleAtFixedRate(() -> {
                try {
                    if (firstMeasured.get() < 0 && next[0] >= warmUpBatches && measuring.getAsBoolean()) {
                        firstMeasured.set(next[0]);
                    }
                    if (firstMeasured.get() < 0 && next[0] == expectedRows.length - batches) {
                        throw new SkeinException(ErrorCode.INTERNAL, "the tap on 'enrich' received nothing from"
                                + " some task after " + next[0] + " warm-up batches");
                    }
                    boolean allSent = firstMeasured.get() >= 0 && next[0] == firstMeasured.get() + batches;
                    if (!allSent && !sent.isDone()) {
                        expectedRows[next[0]] = fill(root, next[0]);
                        stream.putNext();
                        next[0]++;
                    }
                    if ((firstMeasured.get() >= 0 && next[0] == firstMeasured.get() + batches) || sent.isDone()) {
                        done.countDown();
                        throw new CancellationException("all sent");
                    }
                } catch (RuntimeException e) {
                    // Ends the timer: a failed send ends the run, and so does the last one.
                    if (!(e instanceof CancellationException)) {
                        failure.set(e);
                    }
                    done.countDown();
                    throw e;
                }
            }, 0, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            done.await();
            if (failure.get() != null) {
                throw failure.get();
            }
            stream.completed();
            stream.getResult();
            listener.close();
            sent.complete(null);
        } finally {
            timer.shutdownNow();
        }
    }

    /** W1's columns for rows {@code sequence * BATCH_ROWS ...}, as W1's source makes them; returns rows {@code filter} keeps. */
    private static long fill(VectorSchemaRoot root, int sequence) {
        root.allocateNew();
        BigIntVector id = (BigIntVector) root.getVector("id");
        VarCharVector category = (VarCharVector) root.getVector("category");
        Float8Vector value = (Float8Vector) root.getVector("value");
        TimeStampMicroVector ts = (TimeStampMicroVector) root.getVector("ts");
        BigIntVector sentMicros = (BigIntVector) root.getVector("sent_us");
        long kept = 0;
        for (int row = 0; row < BATCH_ROWS; row++) {
            long i = (long) sequence * BATCH_ROWS + row;
            double v = ((i * 7919) % 1000) / 10.0;
            id.setSafe(row, i);
            category.setSafe(row, ("c" + (i % 8)).getBytes(StandardCharsets.UTF_8));
            value.setSafe(row, v);
            ts.setSafe(row, ChronoUnit.MICROS.between(Instant.EPOCH, TS_BASE) + i * 1000);
            kept += v >= 25.0 ? 1 : 0;
        }
        root.setRowCount(BATCH_ROWS);
        long now = nowMicros();
        for (int row = 0; row < BATCH_ROWS; row++) {
            sentMicros.setSafe(row, now);
        }
        return kept;
    }

    /** @param warmUpBatches the warm-up batches sent: the first measured batch's sequence */
    private static LatencyReport report(int workers, int warmUpBatches, int batches, long[] expectedRows,
            Map<Long, LatencyTap.Arrival> arrivals, boolean sourceRowsOk) {
        List<Double> millis = new ArrayList<>();
        for (int sequence = warmUpBatches; sequence < warmUpBatches + batches; sequence++) {
            LatencyTap.Arrival arrival = arrivals.get((long) sequence);
            if (arrival != null && arrival.rows() == expectedRows[sequence]) {
                millis.add((arrival.lastMicros() - arrival.sentMicros()) / 1000.0);
            }
        }
        millis.sort(null);
        return new LatencyReport(workers, BATCH_ROWS, INTERVAL_MILLIS, warmUpBatches, batches, millis.size(),
                percentile(millis, 0.50), percentile(millis, 0.99), millis.isEmpty() ? Double.NaN : millis.get(millis.size() - 1),
                sourceRowsOk && millis.size() == batches);
    }

    /** Nearest rank. */
    private static double percentile(List<Double> sorted, double fraction) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(fraction * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** The ingest endpoint, once the coordinator placed the source (it may not have, just after submit). */
    private static FlightInfo ingestInfo(FlightClient coordinator) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                return coordinator.getInfo(FlightDescriptor.path(NAME, "ingest"));
            } catch (FlightRuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    private static Location location(LocalCluster cluster) {
        String[] hostPort = cluster.coordinatorFlightAddress().split(":");
        return Location.forGrpcInsecure(hostPort[0], Integer.parseInt(hostPort[1]));
    }
}
