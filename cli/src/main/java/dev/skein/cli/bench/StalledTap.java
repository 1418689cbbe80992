package dev.skein.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A tap client that opens a following tap on every task of a stage as soon as the stage has
 * output, and then never reads: what a stuck dashboard does. The benchmark runs W1 with one to
 * show what such a tap costs the pipeline (it should cost nothing: taps drop, they never wait).
 */
final class StalledTap implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean opened;

    private StalledTap(Thread thread) {
        this.thread = thread;
    }

    static StalledTap on(CoordinatorClient rest, String coordinatorFlight, String pipeline, String stage, int stageIndex) {
        StalledTap[] self = new StalledTap[1];
        Thread thread = new Thread(() -> self[0].hold(rest, coordinatorFlight, pipeline, stage, stageIndex), "stalled-tap");
        self[0] = new StalledTap(thread);
        thread.setDaemon(true);
        thread.start();
        return self[0];
    }

    private void hold(CoordinatorClient rest, String coordinatorFlight, String pipeline, String stage, int stageIndex) {
        String[] hostPort = coordinatorFlight.split(":");
        List<AutoCloseable> open = new ArrayList<>();
        try (BufferAllocator allocator = new RootAllocator();
                FlightClient coordinator = FlightClient.builder(allocator,
                        Location.forGrpcInsecure(hostPort[0], Integer.parseInt(hostPort[1]))).build()) {
            while (!stop.get()) {
                JsonNode view = rest.get(pipeline).body();
                if (view.path("state").asText().equals("RUNNING")
                        && view.path("stages").path(stageIndex).path("rowsOut").asLong() > 0) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            byte[] command = ("{\"pipeline\":\"" + pipeline + "\",\"stage\":\"" + stage + "\",\"follow\":true}")
                    .getBytes(StandardCharsets.UTF_8);
            FlightInfo info = coordinator.getInfo(FlightDescriptor.command(command));
            for (FlightEndpoint endpoint : info.getEndpoints()) {
                FlightClient worker = FlightClient.builder(allocator, endpoint.getLocations().get(0)).build();
                open.add(worker);
                FlightStream stream = worker.getStream(endpoint.getTicket());
                open.add(0, stream);
            }
            opened = true;
            while (!stop.get()) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            for (AutoCloseable closeable : open) {
                if (closeable instanceof FlightStream stream) {
                    stream.cancel("benchmark done", null);
                }
                closeable.close();
            }
        } catch (Exception e) {
            // The tap ends with its pipeline or after its stall limit; either is expected here.
        }
    }

    /** Whether the tap was open on every task of the stage. */
    boolean wasOpened() {
        return opened;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(30_000);
    }
}
