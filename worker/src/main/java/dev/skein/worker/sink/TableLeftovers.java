package dev.skein.worker.sink;

import dev.skein.cluster.PipelineAttempt;
import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.PipelineState;
import dev.skein.worker.duckdb.DuckDbSession;
import dev.skein.worker.duckdb.TableStore;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What earlier processes of this worker left in a table database kept in a file ({@code
 * --database}): staging tables of tasks that never committed, dropped when the worker starts (no
 * task of this process exists yet), and what a run kept to undo its commits when the process died
 * before the run ended ({@link TableUndo}). Those are settled once the worker learns how the run
 * ended from its pipeline's plan: dropped if it succeeded, put back if it failed, was cancelled or
 * restarted (a restarted run commits its rows again). A run whose plan is gone before the worker
 * comes back keeps its copy, hidden, until dropped by hand. Confined to the worker's plan thread.
 */
public final class TableLeftovers {
    private static final Logger log = LoggerFactory.getLogger(TableLeftovers.class);

    private final TableStore tables;
    private final BufferAllocator allocator;
    private final List<TableUndo> undos = new ArrayList<>();

    private TableLeftovers(TableStore tables, BufferAllocator allocator) {
        this.tables = tables;
        this.allocator = allocator;
    }

    /** Drops leftover staging tables and notes leftover undos; call before any task starts. */
    public static TableLeftovers open(TableStore tables, BufferAllocator allocator) {
        TableLeftovers leftovers = new TableLeftovers(tables, allocator);
        try (DuckDbSession session = tables.openSession(allocator)) {
            for (String name : tables.tableNames()) {
                if (name.startsWith(TableSink.STAGING_PREFIX)) {
                    session.execute("DROP TABLE IF EXISTS \"" + name + '"');
                    log.info("dropped staging table '{}' of an earlier run of this worker", name);
                } else {
                    TableUndo.of(name).filter(undo -> !leftovers.undos.contains(undo)).ifPresent(leftovers.undos::add);
                }
            }
        } catch (Exception e) {
            // Leftovers hold no visible rows; the worker serves its tables without settling them.
            log.warn("cannot look for what earlier runs left in the table database", e);
        }
        return leftovers;
    }

    /**
     * Settles the leftover undos of {@code plan}'s runs that ended; before the plan's tasks start,
     * so a restarted run never commits before the failed run's commit is put back.
     */
    public void settle(PipelinePlan plan) {
        undos.removeIf(undo -> {
            boolean ofThisPipeline = plan.attempts().stream().mapToLong(PipelineAttempt::epoch)
                    .anyMatch(epoch -> epoch == undo.epoch());
            if (!ofThisPipeline) {
                return false;
            }
            boolean current = undo.epoch() == plan.epoch();
            boolean succeeded = current && plan.state() == PipelineState.SUCCEEDED;
            boolean failed = !current || plan.state() == PipelineState.FAILED
                    || plan.state() == PipelineState.CANCELLED || plan.state() == PipelineState.RESTARTING;
            if (!succeeded && !failed) {
                return false;
            }
            try (DuckDbSession session = tables.openSession(allocator)) {
                if (succeeded) {
                    undo.drop(session);
                } else {
                    undo.restore(session);
                }
                log.info("{} of pipeline '{}', left by an earlier process of this worker: {}", undo, plan.pipeline(),
                        succeeded ? "dropped (the run succeeded)" : "table put back (the run did not succeed)");
            } catch (Exception e) {
                log.warn("cannot settle {} of pipeline '{}'", undo, plan.pipeline(), e);
            }
            return true;
        });
    }
}
