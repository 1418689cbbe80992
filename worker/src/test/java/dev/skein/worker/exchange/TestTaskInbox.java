package dev.skein.worker.exchange;

import static dev.skein.worker.exchange.TestingBatches.SCHEMA;
import static dev.skein.worker.exchange.TestingBatches.ids;
import static dev.skein.worker.exchange.TestingBatches.idsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestTaskInbox {
    private final BufferAllocator root = new RootAllocator();
    private final BufferAllocator sender = root.newChildAllocator("sender", 0, Long.MAX_VALUE);
    private final BufferAllocator task = root.newChildAllocator("task", 0, Long.MAX_VALUE);

    @AfterEach
    void closeAllocators() {
        // Closing a child allocator that still holds memory throws: every test leaves none.
        task.close();
        sender.close();
        root.close();
    }

    @Test
    void inputEndsOnlyWhenEveryPlannedSenderFinished() throws Exception {
        TaskInbox inbox = new TaskInbox("stage 'b' task 0", Set.of(0, 2), task, 4);
        inbox.open(0, SCHEMA);
        inbox.open(2, SCHEMA);
        try (VectorSchemaRoot batch = ids(sender, 0, 3)) {
            assertThat(inbox.put(batch)).isTrue();
        }
        inbox.finished(0);

        try (VectorSchemaRoot taken = inbox.take().orElseThrow()) {
            assertThat(idsOf(taken)).containsExactly(0L, 1L, 2L);
        }
        assertThat(inbox.poll()).isEmpty();
        assertThat(inbox.isDrained()).as("sender 2 has not finished").isFalse();

        inbox.finished(2);
        assertThat(inbox.take()).isEmpty();
        assertThat(inbox.isDrained()).isTrue();
        assertThat(inbox.schema()).contains(SCHEMA);
        inbox.close();
    }

    @Test
    void aSenderThePlanDoesNotNameIsRefusedLoudly() {
        TaskInbox inbox = new TaskInbox("stage 'b' task 1", Set.of(1), task, 4);

        assertThatThrownBy(() -> inbox.open(0, SCHEMA))
                .isInstanceOfSatisfying(SkeinException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessage("stage 'b' task 1 expects input from upstream tasks [1], not from task 0");
        inbox.open(1, SCHEMA);
        assertThatThrownBy(() -> inbox.open(1, SCHEMA))
                .hasMessage("stage 'b' task 1 already has a stream from upstream task 1");
        inbox.close();
    }

    @Test
    void queuedBatchesAreAccountedToTheTaskAndFreedOnClose() {
        TaskInbox inbox = new TaskInbox("t", Set.of(0), task, 4);
        inbox.open(0, SCHEMA);
        CompletableFuture<Boolean> taken;
        try (VectorSchemaRoot batch = ids(sender, 0, 1000)) {
            taken = inbox.putTracked(batch);
        }
        assertThat(sender.getAllocatedMemory()).as("the sender's reference is gone").isZero();
        assertThat(task.getAllocatedMemory()).as("the queued batch belongs to the task").isPositive();

        inbox.close();

        assertThat(task.getAllocatedMemory()).isZero();
        assertThat(taken).isCompletedWithValue(false);
        try (VectorSchemaRoot late = ids(sender, 0, 1)) {
            assertThat(inbox.put(late)).as("a closed inbox takes nothing").isFalse();
        }
        assertThat(task.getAllocatedMemory()).isZero();
    }

    @Test
    void aFullInboxBlocksTheSenderUntilTheTaskTakesABatch() throws Exception {
        TaskInbox inbox = new TaskInbox("t", Set.of(0), task, 1);
        inbox.open(0, SCHEMA);
        try (VectorSchemaRoot first = ids(sender, 0, 1)) {
            inbox.put(first);
        }
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
            try (VectorSchemaRoot batch = ids(sender, 1, 1)) {
                return inbox.put(batch);
            }
        });
        assertThat(second).isNotDone();

        try (VectorSchemaRoot taken = inbox.take().orElseThrow()) {
            assertThat(idsOf(taken)).containsExactly(0L);
        }
        assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
        try (VectorSchemaRoot taken = inbox.take().orElseThrow()) {
            assertThat(idsOf(taken)).containsExactly(1L);
        }
        inbox.close();
    }

    @Test
    void closingReleasesASenderBlockedOnAFullInbox() throws Exception {
        TaskInbox inbox = new TaskInbox("t", Set.of(0), task, 1);
        inbox.open(0, SCHEMA);
        try (VectorSchemaRoot first = ids(sender, 0, 1)) {
            inbox.put(first);
        }
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
            try (VectorSchemaRoot batch = ids(sender, 1, 1)) {
                return inbox.put(batch);
            }
        });

        inbox.close();

        assertThat(blocked.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(task.getAllocatedMemory()).isZero();
    }

    @Test
    void aBrokenUpstreamFailsTheTaskWithItsCause() {
        TaskInbox inbox = new TaskInbox("t", Set.of(0), task, 4);
        inbox.open(0, SCHEMA);
        inbox.fail(new SkeinException(ErrorCode.EXTERNAL, "input from task w@1/1-0 broke: connection reset"));

        assertThatThrownBy(inbox::take)
                .isInstanceOfSatisfying(SkeinException.class, e -> assertThat(e.errorCode())
                        .isEqualTo(ErrorCode.EXTERNAL))
                .hasMessage("input from task w@1/1-0 broke: connection reset");
        inbox.close();
    }

    @Test
    void finishAllEndsAnIngestInbox() throws Exception {
        TaskInbox inbox = new TaskInbox("t", Set.of(0), task, 4);
        inbox.declareSchema(SCHEMA);
        inbox.finishAll();
        assertThat(inbox.take()).isEqualTo(Optional.empty());
        inbox.close();
    }
}
