package dev.skein.worker.exchange;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.EdgeKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Sends a task's output batches along its planned output edge: everything to one target (forward,
 * gather), in turn to each (round-robin), or split by the hash of the partition keys. Channels open
 * on the first batch, or at the end with the schema of an empty output, so every receiver learns
 * the schema and sees the end of input. Used by one task thread.
 */
public final class OutputRouter implements AutoCloseable {
    private final OutputEdge edge;
    private final int from;
    private final ChannelOpener opener;
    private final BufferAllocator allocator;
    private final BooleanSupplier cancelled;
    private final EdgeCounters counters;
    private final List<OutputChannel> channels = new ArrayList<>();
    private HashPartitioner partitioner;
    private long sent;

    /**
     * @param edge where the batches go, as planned
     * @param from this task's index, announced to the receivers
     * @param allocator the sending task's allocator
     * @param cancelled whether the sending task was cancelled
     * @param counters where bytes sent and time spent sending are counted
     */
    public OutputRouter(
            OutputEdge edge,
            int from,
            ChannelOpener opener,
            BufferAllocator allocator,
            BooleanSupplier cancelled,
            EdgeCounters counters) {
        this.edge = requireNonNull(edge, "edge is null");
        this.from = from;
        this.opener = requireNonNull(opener, "opener is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.cancelled = requireNonNull(cancelled, "cancelled is null");
        this.counters = requireNonNull(counters, "counters is null");
    }

    private void open(Schema schema) {
        if (!channels.isEmpty()) {
            return;
        }
        for (TaskAddress target : edge.targets()) {
            channels.add(opener.open(target, from, schema, allocator, edge.token(), cancelled));
        }
        if (!edge.partitionBy().isEmpty()) {
            partitioner = new HashPartitioner(edge.partitionBy(), channels.size(), allocator);
        }
    }

    /** Routes {@code batch}, still owned by the caller. */
    public void route(VectorSchemaRoot batch) {
        open(batch.getSchema());
        long startNanos = System.nanoTime();
        switch (edge.kind()) {
            case FORWARD, GATHER -> send(channels.get(0), batch);
            case ROUND_ROBIN -> send(channels.get((int) (sent++ % channels.size())), batch);
            case HASH -> sendParts(partitioner.split(batch));
        }
        counters.sendTook(System.nanoTime() - startNanos);
    }

    /**
     * Routes {@code batch} along a hash edge by the partitions its query computed.
     *
     * @param batch without the partition column, still owned by the caller
     * @param partitions each row's partition ({@link PartitionColumn})
     */
    public void route(VectorSchemaRoot batch, IntVector partitions) {
        if (edge.kind() != EdgeKind.HASH) {
            throw new IllegalStateException("partitions computed for a " + edge.kind() + " edge");
        }
        open(batch.getSchema());
        long startNanos = System.nanoTime();
        sendParts(partitioner.split(batch, partitions));
        counters.sendTook(System.nanoTime() - startNanos);
    }

    private void send(OutputChannel channel, VectorSchemaRoot batch) {
        channel.send(batch);
        counters.sent(channel, Batches.bytes(batch));
    }

    private void sendParts(VectorSchemaRoot[] parts) {
        try {
            for (int i = 0; i < parts.length; i++) {
                if (parts[i] != null) {
                    send(channels.get(i), parts[i]);
                }
            }
        } finally {
            for (VectorSchemaRoot part : parts) {
                if (part != null) {
                    part.close();
                }
            }
        }
    }

    /** Ends every channel (opening them with {@code schema} if no batch was ever sent). */
    public void complete(Schema schema) {
        open(schema);
        for (OutputChannel channel : channels) {
            channel.complete();
        }
    }

    @Override
    public void close() throws Exception {
        AutoCloseables.close(channels);
        channels.clear();
    }
}
