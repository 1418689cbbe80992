package dev.skein.worker.flight;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cluster.IngestTicket;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.exchange.BatchValidation;
import dev.skein.worker.exchange.TaskInbox;
import dev.skein.worker.task.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Takes one writer's {@code DoPut} into an ingest pipeline: checks the stream's schema against
 * the declared one before any row is applied, hands the batches to the source task (blocking
 * while it is full: writers are slowed, never refused), and reports how many rows the task took.
 */
final class IngestReceiver {
    private static final Duration TASK_LOOKUP = Duration.ofSeconds(5);
    private static final long ACCEPT_TIMEOUT_SECONDS = 600;

    private IngestReceiver() {}

    /** Whether the descriptor is an ingest: PATH [pipeline, "ingest"] or CMD {"kind":"ingest",...}. */
    static boolean isIngest(List<String> path, JsonNode command) {
        return (path.size() == 2 && path.get(1).equals("ingest")) || "ingest".equals(command.path("kind").asText());
    }

    /**
     * @return rows the source task took
     */
    static long receive(DataPlaneGate gate, FlightStream stream)
            throws Exception {
        if (!stream.getDescriptor().isCommand()) {
            String pipeline = stream.getDescriptor().getPath().get(0);
            throw new SkeinException(ErrorCode.PERMISSION_DENIED, "ingest into '" + pipeline + "' refused: the call"
                    + " carries no capability; DoPut with the ticket of the coordinator's GetFlightInfo(PATH ["
                    + pipeline + ", \"ingest\"]) as the descriptor's command");
        }
        Task task = task(gate, IngestTicket.decode(stream.getDescriptor().getCommand()));
        Schema expected = task.awaitIngestSchema();
        checkSchema(task.wiring().key().pipeline(), expected, stream.getSchema());
        TaskInbox inbox = task.inbox().orElseThrow();
        List<CompletableFuture<Boolean>> accepted = new ArrayList<>();
        long rows = 0;
        while (stream.next()) {
            BatchValidation.check(stream.getRoot(), "a writer into '" + task.wiring().key().pipeline() + "'");
            rows += stream.getRoot().getRowCount();
            accepted.add(inbox.putTracked(stream.getRoot()));
        }
        for (CompletableFuture<Boolean> taken : accepted) {
            if (!taken.get(ACCEPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new SkeinException(ErrorCode.CANCELLED, "pipeline '" + task.wiring().key().pipeline()
                        + "' stopped taking input before all of this writer's batches were accepted");
            }
        }
        return rows;
    }

    /** The source task a ticket names and grants, waiting briefly for its plan to reach this worker. */
    static Task task(DataPlaneGate gate, IngestTicket ticket) {
        return gate.ingest(ticket, TASK_LOOKUP);
    }

    private static void checkSchema(String pipeline, Schema expected, Schema actual) {
        List<Field> want = expected.getFields();
        List<Field> got = actual.getFields();
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            if (i >= got.size()) {
                throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "ingest into '" + pipeline + "': field '"
                        + want.get(i).getName() + "' (" + want.get(i).getType() + ") is missing");
            }
            if (i >= want.size()) {
                throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "ingest into '" + pipeline + "': unexpected field '"
                        + got.get(i).getName() + "' (" + got.get(i).getType() + ")");
            }
            if (!want.get(i).getName().equals(got.get(i).getName()) || !want.get(i).getType().equals(got.get(i).getType())) {
                throw new SkeinException(ErrorCode.INVALID_ARGUMENT, "ingest into '" + pipeline + "': field " + (i + 1)
                        + " must be '" + want.get(i).getName() + "' " + want.get(i).getType() + ", got '"
                        + got.get(i).getName() + "' " + got.get(i).getType());
            }
        }
    }
}
