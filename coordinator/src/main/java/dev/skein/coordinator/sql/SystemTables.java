package dev.skein.coordinator.sql;

import dev.skein.coordinator.monitoring.WorkerView;
import dev.skein.coordinator.scheduling.PipelineView;
import dev.skein.coordinator.scheduling.StageView;
import dev.skein.coordinator.sql.SystemTable.Column;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@code system} schema: {@code pipelines}, {@code stages}, {@code tasks} and {@code workers},
 * folded from the same views the REST API returns, at the moment they are asked for.
 */
public final class SystemTables {
    /** The tables' names, in the order catalog calls list them. */
    public static final List<String> NAMES = List.of("pipelines", "stages", "tasks", "workers");

    private static final List<Column> PIPELINES = columns("name VARCHAR", "state VARCHAR", "epoch BIGINT",
            "attempts INTEGER", "failure VARCHAR", "submitted_at TIMESTAMP", "elapsed_ms BIGINT", "stages INTEGER",
            "tasks INTEGER", "source_rows BIGINT", "rows_per_second DOUBLE");
    private static final List<Column> STAGES = columns("pipeline VARCHAR", "epoch BIGINT", "position INTEGER",
            "stage VARCHAR", "state VARCHAR", "tasks INTEGER", "rows_in BIGINT", "rows_out BIGINT",
            "batches_in BIGINT", "batches_out BIGINT", "bytes_out BIGINT", "rows_per_second DOUBLE", "cpu_ms BIGINT",
            "inbox_blocked_ms BIGINT", "send_ms BIGINT", "elapsed_ms BIGINT", "pre_aggregated BOOLEAN");
    private static final List<Column> TASKS = columns("pipeline VARCHAR", "epoch BIGINT", "position INTEGER",
            "stage VARCHAR", "task INTEGER", "worker VARCHAR", "address VARCHAR", "state VARCHAR");
    private static final List<Column> WORKERS = columns("id VARCHAR", "address VARCHAR", "cores INTEGER",
            "started_at TIMESTAMP", "tasks INTEGER", "metrics_url VARCHAR", "heap_used_bytes BIGINT",
            "arrow_bytes BIGINT");

    private SystemTables() {}

    /** Table {@code name} as {@code views} show it now; only the views it needs are asked for. */
    public static SystemTable of(String name, ClusterViews views) {
        switch (name) {
            case "pipelines":
                return pipelines(views.pipelines());
            case "stages":
                return stages(views.pipelines());
            case "tasks":
                return tasks(views.pipelines(), views.workers());
            case "workers":
                return workers(views.workers());
            default:
                throw new IllegalArgumentException("no system table '" + name + "'");
        }
    }

    /** Table {@code name} with its columns and no rows. */
    public static SystemTable empty(String name) {
        switch (name) {
            case "pipelines":
                return new SystemTable(name, PIPELINES, List.of());
            case "stages":
                return new SystemTable(name, STAGES, List.of());
            case "tasks":
                return new SystemTable(name, TASKS, List.of());
            case "workers":
                return new SystemTable(name, WORKERS, List.of());
            default:
                throw new IllegalArgumentException("no system table '" + name + "'");
        }
    }

    static SystemTable pipelines(List<PipelineView> pipelines) {
        List<List<Object>> rows = new ArrayList<>();
        for (PipelineView pipeline : pipelines) {
            rows.add(Arrays.asList(pipeline.name(), pipeline.state(), pipeline.epoch(), pipeline.attempts().size(),
                    pipeline.failure().orElse(null), pipeline.submittedAtMillis(), pipeline.elapsedMillis(),
                    pipeline.stages().size(), pipeline.stages().stream().mapToInt(StageView::tasks).sum(),
                    pipeline.sourceRows(), pipeline.rowsPerSecond()));
        }
        return new SystemTable("pipelines", PIPELINES, rows);
    }

    static SystemTable stages(List<PipelineView> pipelines) {
        List<List<Object>> rows = new ArrayList<>();
        for (PipelineView pipeline : pipelines) {
            for (int position = 0; position < pipeline.stages().size(); position++) {
                StageView stage = pipeline.stages().get(position);
                double rate = stage.elapsedMillis() > 0 ? stage.rowsOut() * 1000.0 / stage.elapsedMillis() : 0.0;
                rows.add(Arrays.asList(pipeline.name(), pipeline.epoch(), position, stage.name(),
                        String.join(",", new LinkedHashSet<>(stage.states())), stage.tasks(), stage.rowsIn(),
                        stage.rowsOut(), stage.batchesIn(), stage.batchesOut(), stage.bytesOut(), rate,
                        stage.cpuNanos() / 1_000_000, stage.inboxBlockedNanos() / 1_000_000,
                        stage.sendNanos() / 1_000_000, stage.elapsedMillis(), stage.preAggregated()));
            }
        }
        return new SystemTable("stages", STAGES, rows);
    }

    static SystemTable tasks(List<PipelineView> pipelines, List<WorkerView> workers) {
        Map<String, String> addresses = workers.stream().collect(Collectors.toMap(WorkerView::id, WorkerView::address));
        List<List<Object>> rows = new ArrayList<>();
        for (PipelineView pipeline : pipelines) {
            for (int position = 0; position < pipeline.stages().size(); position++) {
                StageView stage = pipeline.stages().get(position);
                for (int task = 0; task < stage.tasks(); task++) {
                    String worker = stage.workers().get(task);
                    rows.add(Arrays.asList(pipeline.name(), pipeline.epoch(), position, stage.name(), task, worker,
                            addresses.get(worker), stage.states().get(task)));
                }
            }
        }
        return new SystemTable("tasks", TASKS, rows);
    }

    static SystemTable workers(List<WorkerView> workers) {
        List<List<Object>> rows = new ArrayList<>();
        for (WorkerView worker : workers) {
            rows.add(Arrays.asList(worker.id(), worker.address(), worker.cores(), worker.startedAtMillis(),
                    worker.tasks(), worker.metricsUrl().orElse(null), worker.heapUsedBytes().orElse(null),
                    worker.arrowBytes().orElse(null)));
        }
        return new SystemTable("workers", WORKERS, rows);
    }

    private static List<Column> columns(String... definitions) {
        return Arrays.stream(definitions)
                .map(definition -> definition.split(" ", 2))
                .map(parts -> new Column(parts[0], parts[1]))
                .collect(Collectors.toUnmodifiableList());
    }
}
