package dev.skein.worker.exchange;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
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
    private final List<OutputChannel> channels = new ArrayList<>();
    private HashPartitioner partitioner;
    private long sent;

    /**
     * @param edge where the batches go, as planned
     * @param from this task's index, announced to the receivers
     * @param allocator the sending task's allocator
     * @param cancelled whether the sending task was cancelled
     */
    public OutputRouter(
            OutputEdge edge, int from, ChannelOpener opener, BufferAllocator allocator, BooleanSupplier cancelled) {
        this.edge = requireNonNull(edge, "edge is null");
        this.from = from;
        this.opener = requireNonNull(opener, "opener is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.cancelled = requireNonNull(cancelled, "cancelled is null");
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
        switch (edge.kind()) {
            case FORWARD, GATHER -> channels.get(0).send(batch);
            case ROUND_ROBIN -> channels.get((int) (sent++ % channels.size())).send(batch);
            case HASH -> routeByHash(batch);
        }
    }

    private void routeByHash(VectorSchemaRoot batch) {
        VectorSchemaRoot[] parts = partitioner.split(batch);
        try {
            for (int i = 0; i < parts.length; i++) {
                if (parts[i] != null) {
                    channels.get(i).send(parts[i]);
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
