package dev.skein.worker.exchange;

import dev.skein.cluster.flight.ClusterCredentials;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;

/**
 * One Flight client per remote worker, shared by all tasks of this worker; each call carries this
 * worker's cluster credentials. Thread-safe.
 */
public final class FlightClientPool implements AutoCloseable {
    private final BufferAllocator allocator;
    private final ClusterCredentials credentials;
    private final ConcurrentMap<String, FlightClient> clients = new ConcurrentHashMap<>();

    public FlightClientPool(BufferAllocator allocator, ClusterCredentials credentials) {
        this.allocator = allocator;
        this.credentials = credentials;
    }

    public FlightClient client(String host, int port) {
        return clients.computeIfAbsent(
                host + ":" + port, address -> credentials.connect(allocator, Location.forGrpcInsecure(host, port)));
    }

    @Override
    public void close() throws Exception {
        List<FlightClient> all = new ArrayList<>(clients.values());
        clients.clear();
        AutoCloseables.close(all);
    }
}
