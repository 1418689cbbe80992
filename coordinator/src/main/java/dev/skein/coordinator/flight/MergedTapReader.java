package dev.skein.coordinator.flight;

import dev.skein.coordinator.sql.ClusterQuery;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The taps on every task of a stage, merged into one {@link ArrowReader}: a thread per task reads
 * its tap (at the worker, lossy and never blocking the task) into a small queue, and the reader
 * hands batches on in arrival order. It ends once every tap ended, at the deadline, or when
 * stopped; closing it cancels the taps still open. DuckDB calls it from one thread at a time.
 */
final class MergedTapReader extends ArrowReader implements ClusterQuery.Interruptible {
    private static final long POLL_MILLIS = 50;
    private static final Object END = new Object();

    private final Schema schema;
    private final Instant deadline;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(4);
    private final List<FlightClient> clients = new ArrayList<>();
    private final List<FlightStream> streams = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final int taps;
    private int ended;
    private volatile boolean stopped;
    private volatile Exception failure;

    /** @param connect a client for an endpoint's worker, closed by this reader */
    MergedTapReader(BufferAllocator allocator, Schema schema, List<FlightEndpoint> endpoints, Instant deadline,
            Function<FlightEndpoint, FlightClient> connect) {
        super(allocator);
        this.schema = schema;
        this.deadline = deadline;
        this.taps = endpoints.size();
        for (FlightEndpoint endpoint : endpoints) {
            FlightClient client = connect.apply(endpoint);
            clients.add(client);
            Thread thread = new Thread(() -> read(client, endpoint), "sql-tap-" + threads.size());
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    private void read(FlightClient client, FlightEndpoint endpoint) {
        try (FlightStream stream = client.getStream(endpoint.getTicket())) {
            synchronized (streams) {
                // closeReadSource cancels the streams it sees: one opened after it ran ends here.
                if (stopped) {
                    return;
                }
                streams.add(stream);
            }
            while (!stopped && stream.next()) {
                ArrowRecordBatch batch = new VectorUnloader(stream.getRoot()).getRecordBatch();
                if (!offer(batch)) {
                    batch.close();
                    stream.cancel("the SQL query needs no more rows", null);
                    return;
                }
            }
        } catch (Exception e) {
            if (!stopped) {
                failure = e;
            }
        } finally {
            offer(END);
        }
    }

    /** Waits for room while the reader is open: false once it stopped. */
    private boolean offer(Object item) {
        try {
            while (!stopped) {
                if (queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        prepareLoadNextBatch();
        try {
            while (ended < taps && !stopped && Instant.now().isBefore(deadline)) {
                Object next = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (next == END) {
                    ended++;
                } else if (next != null) {
                    try (ArrowRecordBatch batch = (ArrowRecordBatch) next) {
                        new VectorLoader(getVectorSchemaRoot()).load(batch);
                    }
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a tap", e);
        }
        if (failure != null) {
            throw new IOException("a tap failed: " + failure.getMessage(), failure);
        }
        return false;
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    protected void closeReadSource() {
        stopped = true;
        synchronized (streams) {
            for (FlightStream stream : streams) {
                try {
                    stream.cancel("the SQL query ended", null);
                } catch (RuntimeException e) {
                    // The tap had ended already: nothing left to cancel.
                }
            }
        }
        for (Thread thread : threads) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        Object item;
        while ((item = queue.poll()) != null) {
            if (item instanceof ArrowRecordBatch) {
                ((ArrowRecordBatch) item).close();
            }
        }
        for (FlightClient client : clients) {
            try {
                client.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    protected Schema readSchema() {
        return schema;
    }
}
