package dev.skein.worker.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class TestTapHub {
    private static final Schema SCHEMA = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));

    @Test
    void aSlowTapLosesBatchesAndCountsThemWhileTheTaskNeverWaits() throws Exception {
        try (BufferAllocator root = new RootAllocator()) {
            BufferAllocator taps = root.newChildAllocator("taps", 0, Long.MAX_VALUE);
            BufferAllocator task = root.newChildAllocator("task", 0, Long.MAX_VALUE);
            TapHub hub = new TapHub(taps);
            TapSubscription tap = hub.subscribe();

            int published = TapSubscription.CAPACITY + 5;
            for (int i = 0; i < published; i++) {
                try (VectorSchemaRoot batch = batch(task, i)) {
                    hub.publish(batch);
                }
            }
            hub.end(SCHEMA);

            assertThat(tap.dropped()).isEqualTo(5);
            assertThat(task.getAllocatedMemory()).as("taps hold their batches in their own allocator").isZero();
            task.close();
            assertThat(taps.getAllocatedMemory()).isPositive();
            for (int i = 0; i < TapSubscription.CAPACITY; i++) {
                try (ArrowRecordBatch batch = tap.poll(0).orElseThrow()) {
                    assertThat(batch.getLength()).as("the oldest batches are kept").isEqualTo(i + 1);
                }
            }
            assertThat(tap.isEnded()).isTrue();
            hub.unsubscribe(tap);
            assertThat(taps.getAllocatedMemory()).isZero();
            taps.close();
        }
    }

    @Test
    void aTapThatSubscribesAfterTheEndIsEndedAtOnceAndKnowsTheSchema() {
        try (BufferAllocator root = new RootAllocator()) {
            TapHub hub = new TapHub(root);
            try (VectorSchemaRoot empty = VectorSchemaRoot.create(SCHEMA, root)) {
                hub.publish(empty);
            }
            hub.end(null);

            TapSubscription late = hub.subscribe();

            assertThat(late.isEnded()).isTrue();
            assertThat(hub.schema()).isEqualTo(SCHEMA);
            hub.unsubscribe(late);
        }
    }

    /** Batch {@code index} has {@code index + 1} rows. */
    private static VectorSchemaRoot batch(BufferAllocator allocator, int index) {
        VectorSchemaRoot batch = VectorSchemaRoot.create(SCHEMA, allocator);
        BigIntVector ids = (BigIntVector) batch.getVector(0);
        int rows = index + 1;
        ids.allocateNew(rows);
        for (int i = 0; i < rows; i++) {
            ids.set(i, i);
        }
        batch.setRowCount(rows);
        return batch;
    }
}
