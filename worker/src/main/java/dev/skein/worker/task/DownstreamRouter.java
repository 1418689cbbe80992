package dev.skein.worker.task;

import dev.skein.worker.flight.DownstreamStream;
import dev.skein.worker.flight.ExchangeCommand;
import dev.skein.worker.flight.FlightClientPool;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.util.AutoCloseables;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Sends a task's output batches to the next stage's tasks: forward (one target), round-robin, or
 * hash on the next stage's {@code partition-by} columns. Streams open on the first batch (or at
 * the end, with the schema of an empty output). Used by one task thread.
 */
final class DownstreamRouter implements AutoCloseable {
    private final List<DownstreamTarget> targets;
    private final List<String> partitionBy;
    private final int from;
    private final FlightClientPool clients;
    private final BufferAllocator allocator;
    private final BooleanSupplier cancelled;
    private final List<DownstreamStream> streams = new ArrayList<>();
    private HashPartitioner partitioner;
    private long sent;

    /**
     * @param targets the next stage's tasks; empty for the last stage
     * @param partitionBy the next stage's hash keys; empty for round-robin (or forward to one)
     * @param from this task's index, announced to the receivers
     */
    DownstreamRouter(
            List<DownstreamTarget> targets,
            List<String> partitionBy,
            int from,
            FlightClientPool clients,
            BufferAllocator allocator,
            BooleanSupplier cancelled) {
        this.targets = List.copyOf(targets);
        this.partitionBy = List.copyOf(partitionBy);
        this.from = from;
        this.clients = clients;
        this.allocator = allocator;
        this.cancelled = cancelled;
    }

    private void open(Schema schema) {
        if (!streams.isEmpty() || targets.isEmpty()) {
            return;
        }
        for (DownstreamTarget target : targets) {
            streams.add(DownstreamStream.open(
                    clients.client(target.host(), target.port()),
                    allocator,
                    ExchangeCommand.of(target.key(), from),
                    schema,
                    "task " + target.key() + " at " + target.host() + ":" + target.port(),
                    cancelled));
        }
        if (!partitionBy.isEmpty() && targets.size() > 1) {
            partitioner = new HashPartitioner(partitionBy, targets.size(), allocator);
        }
    }

    /** Routes {@code batch}, still owned by the caller. */
    void route(VectorSchemaRoot batch) {
        if (targets.isEmpty()) {
            return;
        }
        open(batch.getSchema());
        if (partitioner != null) {
            VectorSchemaRoot[] parts = partitioner.split(batch);
            try {
                for (int i = 0; i < parts.length; i++) {
                    if (parts[i] != null) {
                        streams.get(i).send(parts[i]);
                    }
                }
            } finally {
                for (VectorSchemaRoot part : parts) {
                    if (part != null) {
                        part.close();
                    }
                }
            }
            return;
        }
        streams.get((int) (sent++ % streams.size())).send(batch);
    }

    /** Ends every stream (opening them with {@code schema} if no batch was ever sent). */
    void complete(Schema schema) {
        open(schema);
        for (DownstreamStream stream : streams) {
            stream.complete();
        }
    }

    @Override
    public void close() throws Exception {
        AutoCloseables.close(streams);
        streams.clear();
    }
}
