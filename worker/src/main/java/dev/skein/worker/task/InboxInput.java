package dev.skein.worker.task;

import dev.skein.worker.exchange.TaskInbox;
import dev.skein.worker.stage.BatchInput;
import java.util.Optional;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** A task's inbox as its transform's input, counting every batch taken. */
final class InboxInput implements BatchInput {
    private final TaskInbox inbox;
    private final TaskCounters counters;

    InboxInput(TaskInbox inbox, TaskCounters counters) {
        this.inbox = inbox;
        this.counters = counters;
    }

    @Override
    public Optional<VectorSchemaRoot> take() throws InterruptedException {
        return counted(inbox.take());
    }

    @Override
    public Optional<VectorSchemaRoot> poll() {
        return counted(inbox.poll());
    }

    private Optional<VectorSchemaRoot> counted(Optional<VectorSchemaRoot> batch) {
        batch.ifPresent(counters::countIn);
        return batch;
    }

    @Override
    public Schema awaitSchema() throws InterruptedException {
        return inbox.awaitSchema();
    }

    @Override
    public Schema schemaOrNull() {
        return inbox.schema().orElse(null);
    }
}
