package dev.skein.worker.exchange;

import static dev.skein.worker.exchange.TestingBatches.SCHEMA;
import static dev.skein.worker.exchange.TestingBatches.ids;
import static dev.skein.worker.exchange.TestingBatches.idsOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.cluster.EdgeKind;
import dev.skein.cluster.TaskKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The router over local channels into real inboxes: what each edge kind delivers where. */
class TestOutputRouter {
    private final BufferAllocator root = new RootAllocator();
    private final BufferAllocator sender = root.newChildAllocator("sender", 0, Long.MAX_VALUE);
    private final BufferAllocator receivers = root.newChildAllocator("receivers", 0, Long.MAX_VALUE);
    private final List<TaskInbox> inboxes = new ArrayList<>();
    private boolean givenPartitions;

    @AfterEach
    void closeAll() {
        inboxes.forEach(TaskInbox::close);
        receivers.close();
        sender.close();
        root.close();
    }

    @Test
    void forwardSendsEverythingToItsOneTargetAndEndsItsInput() throws Exception {
        List<List<Long>> received = run(EdgeKind.FORWARD, List.of(), 1, 3, 2);

        assertThat(received.get(0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void roundRobinTakesTurnsBatchByBatch() throws Exception {
        List<List<Long>> received = run(EdgeKind.ROUND_ROBIN, List.of(), 2, 3, 2);

        assertThat(received.get(0)).containsExactly(0L, 1L, 4L, 5L);
        assertThat(received.get(1)).containsExactly(2L, 3L);
    }

    @Test
    void hashSendsEachKeyToOneTargetAndLosesNothing() throws Exception {
        List<List<Long>> received = run(EdgeKind.HASH, List.of("id"), 3, 50, 100);

        Set<Long> all = new HashSet<>();
        for (List<Long> ids : received) {
            assertThat(ids).as("hash split gives every target something").isNotEmpty();
            all.addAll(ids);
        }
        assertThat(all).hasSize(5000);
        assertThat(received.stream().mapToInt(List::size).sum()).isEqualTo(5000);
    }

    @Test
    void partitionsComputedByTheQueryDecideWhereEachRowGoes() throws Exception {
        givenPartitions = true;
        List<List<Long>> received = run(EdgeKind.HASH, List.of("id"), 3, 4, 100);

        for (int target = 0; target < 3; target++) {
            int owner = target;
            assertThat(received.get(target)).hasSize(target == 0 ? 134 : 133)
                    .allSatisfy(id -> assertThat(id % 3).isEqualTo(owner));
        }
    }

    @Test
    void anEmptyOutputStillTellsEveryTargetTheSchemaAndTheEnd() throws Exception {
        List<List<Long>> received = run(EdgeKind.HASH, List.of("id"), 2, 0, 0);

        assertThat(received).containsExactly(List.of(), List.of());
        assertThat(inboxes).allSatisfy(inbox -> assertThat(inbox.schema()).contains(SCHEMA));
    }

    /** As a query's {@link PartitionColumn} would: row i goes to partition {@code id % targets}. */
    private void routeByIdModulo(OutputRouter router, VectorSchemaRoot batch, int targets) {
        try (IntVector partitions = new IntVector(PartitionColumn.NAME, sender)) {
            partitions.allocateNew(batch.getRowCount());
            List<Long> ids = idsOf(batch);
            for (int row = 0; row < ids.size(); row++) {
                partitions.set(row, (int) (ids.get(row) % targets));
            }
            partitions.setValueCount(ids.size());
            router.route(batch, partitions);
        }
    }

    /** Sends {@code batches} batches of {@code rows} ids from task 0 and returns each target's ids. */
    private List<List<Long>> run(EdgeKind kind, List<String> partitionBy, int targets, int batches, int rows)
            throws Exception {
        List<TaskAddress> addresses = new ArrayList<>();
        for (int i = 0; i < targets; i++) {
            addresses.add(new TaskAddress(new TaskKey("p", 1, 2, i), "w1", "127.0.0.1", 1));
            inboxes.add(new TaskInbox("task " + i, Set.of(0), receivers, batches + 2));
        }
        ChannelOpener local = (target, from, schema, allocator, token, cancelled) ->
                LocalChannel.open(inboxes.get(target.key().index()), allocator, from, schema, target);
        try (OutputRouter router =
                new OutputRouter(new OutputEdge(kind, partitionBy, addresses, "token"), 0, local, sender, () -> false,
                        new EdgeCounters())) {
            for (int b = 0; b < batches; b++) {
                try (VectorSchemaRoot batch = ids(sender, (long) b * rows, rows)) {
                    if (givenPartitions) {
                        routeByIdModulo(router, batch, targets);
                    } else {
                        router.route(batch);
                    }
                }
            }
            router.complete(SCHEMA);
        }
        assertThat(sender.getAllocatedMemory()).as("the sender keeps no reference").isZero();
        List<List<Long>> received = new ArrayList<>();
        for (TaskInbox inbox : inboxes) {
            List<Long> ids = new ArrayList<>();
            Optional<VectorSchemaRoot> next;
            while ((next = inbox.take()).isPresent()) {
                try (VectorSchemaRoot batch = next.get()) {
                    ids.addAll(idsOf(batch));
                }
            }
            received.add(ids);
        }
        return received;
    }

}
