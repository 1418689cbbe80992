package dev.skein.worker.flight;

import dev.skein.cluster.IngestTicket;
import dev.skein.cluster.TapTicket;
import dev.skein.cluster.TaskKey;
import dev.skein.cluster.auth.DataPlaneCapabilities;
import dev.skein.cluster.auth.DataPlaneCapabilities.Kind;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import dev.skein.worker.exchange.ExchangeCommand;
import dev.skein.worker.task.Task;
import dev.skein.worker.task.WorkerTasks;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every data-plane call into a task passes before it touches the task: the task must run here
 * under the call's epoch, and the call must present the capability its plan grants for exactly
 * that task and edge (see {@link DataPlaneCapabilities}). A refusal is logged, so a probe of the
 * data plane shows in the worker's log. Thread-safe.
 */
final class DataPlaneGate {
    private static final Logger log = LoggerFactory.getLogger(DataPlaneGate.class);

    private final WorkerTasks tasks;

    DataPlaneGate(WorkerTasks tasks) {
        this.tasks = tasks;
    }

    /** The receiving task of an exchange whose capability grants sender {@code command.from()}, named by the plan. */
    Task exchange(ExchangeCommand command, Duration wait) {
        Task task = checked(command.target(), wait, Kind.EXCHANGE, command.from(), command.capability());
        if (!task.wiring().hasSender(command.from())) {
            log.warn("refused an exchange into task {} from upstream task {}, which its plan does not name",
                    command.target(), command.from());
            throw new SkeinException(ErrorCode.PERMISSION_DENIED, "exchange into task " + command.target()
                    + " refused: its plan names no upstream task " + command.from() + " as a sender");
        }
        return task;
    }

    Task tap(TapTicket ticket, Duration wait) {
        return checked(ticket.task(), wait, Kind.TAP, -1, ticket.capability());
    }

    Task ingest(IngestTicket ticket, Duration wait) {
        return checked(ticket.task(), wait, Kind.INGEST, -1, ticket.capability());
    }

    private Task checked(TaskKey key, Duration wait, Kind kind, int from, String capability) {
        Task task = tasks.awaitTask(key, wait);
        try {
            tasks.capabilities().check(task.wiring().exchangeToken(), kind, key, from, capability);
        } catch (SkeinException e) {
            log.warn("{}", e.getMessage());
            throw e;
        }
        return task;
    }
}
