package dev.skein.coordinator.scheduling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cluster.PipelineAttempt;
import dev.skein.cluster.PipelinePlan;
import dev.skein.cluster.ResultPreview;
import dev.skein.cluster.TaskPlacement;
import dev.skein.cluster.TaskStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Folds a plan and its task statuses into a {@link PipelineView}. */
final class PipelineViews {
    private PipelineViews() {}

    static PipelineView of(PipelinePlan plan, List<String> stageNames, List<TaskStatus> allStatuses) {
        Map<String, TaskStatus> statuses = allStatuses.stream()
                .filter(status -> status.epoch() == plan.epoch())
                .collect(Collectors.toMap(TaskStatus::key, Function.identity(), (a, b) -> b));
        List<StageView> stages = new ArrayList<>();
        for (int stage = 0; stage < stageNames.size(); stage++) {
            List<TaskPlacement> tasks = plan.tasksOf(stage);
            List<String> states = new ArrayList<>();
            List<String> workers = new ArrayList<>();
            long rowsIn = 0, rowsOut = 0, batchesIn = 0, batchesOut = 0, bytesOut = 0, fusedRows = 0, cpuNanos = 0;
            long inboxBlockedNanos = 0, sendNanos = 0;
            long first = Long.MAX_VALUE, last = 0;
            for (TaskPlacement task : tasks) {
                workers.add(task.workerId());
                TaskStatus status = statuses.get(task.key());
                if (status == null) {
                    states.add("PENDING");
                    continue;
                }
                states.add(status.state().name());
                rowsIn += status.rowsIn();
                rowsOut += status.rowsOut();
                batchesIn += status.batchesIn();
                batchesOut += status.batchesOut();
                bytesOut += status.bytesOut();
                fusedRows += status.fusedRows();
                cpuNanos += status.cpuNanos();
                inboxBlockedNanos += status.inboxBlockedNanos();
                sendNanos += status.sendNanos();
                first = Math.min(first, status.startedAtMillis());
                last = Math.max(last, status.updatedAtMillis());
            }
            stages.add(new StageView(stageNames.get(stage), tasks.size(), workers, states, rowsIn, rowsOut, batchesIn,
                    batchesOut, bytesOut, fusedRows, cpuNanos, inboxBlockedNanos, sendNanos,
                    first == Long.MAX_VALUE ? 0 : Math.max(0, last - first), plan.preAggregationOf(stage).isPresent()));
        }
        long end = plan.finishedAtMillis() > 0 ? plan.finishedAtMillis() : System.currentTimeMillis();
        long elapsed = Math.max(1, end - plan.submittedAtMillis());
        long sourceRows = stages.isEmpty() ? 0 : stages.get(0).rowsOut();
        return new PipelineView(plan.pipeline(), plan.state().name(), plan.epoch(), plan.failure(),
                plan.submittedAtMillis(), elapsed, sourceRows, sourceRows * 1000.0 / elapsed, stages,
                result(plan, stageNames.size() - 1, statuses), attempts(plan, statuses));
    }

    /** The plan's runs; the current one's start of rows comes from its statuses while it runs. */
    private static List<AttemptView> attempts(PipelinePlan plan, Map<String, TaskStatus> statuses) {
        List<PipelineAttempt> history = plan.attempts().isEmpty() ? List.of(plan.currentAttempt()) : plan.attempts();
        List<AttemptView> views = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            PipelineAttempt attempt = history.get(i);
            long runningAt = attempt.runningAtMillis();
            if (runningAt == 0 && attempt.epoch() == plan.epoch() && statuses.size() == plan.tasks().size()) {
                runningAt = statuses.values().stream().mapToLong(TaskStatus::startedAtMillis).max().orElse(0);
            }
            Optional<Long> recovery = Optional.empty();
            if (i > 0 && runningAt > 0 && history.get(i - 1).endedAtMillis() > 0) {
                recovery = Optional.of(runningAt - history.get(i - 1).endedAtMillis());
            }
            views.add(new AttemptView(i + 1, attempt.epoch(), attempt.startedAtMillis(), runningAt,
                    attempt.endedAtMillis(), attempt.cause(), attempt.workerId(), recovery));
        }
        return views;
    }

    /** The last stage's previews, concatenated in task order, once every last-stage task reported one. */
    private static Optional<ResultPreview> result(PipelinePlan plan, int lastStage, Map<String, TaskStatus> statuses) {
        List<String> columns = List.of();
        List<List<JsonNode>> rows = new ArrayList<>();
        for (TaskPlacement task : plan.tasksOf(lastStage)) {
            TaskStatus status = statuses.get(task.key());
            if (status == null || status.preview().isEmpty()) {
                return Optional.empty();
            }
            ResultPreview preview = status.preview().get();
            if (columns.isEmpty()) {
                columns = preview.columns();
            }
            for (List<JsonNode> row : preview.rows()) {
                if (rows.size() < ResultPreview.MAX_ROWS) {
                    rows.add(row);
                }
            }
        }
        return Optional.of(new ResultPreview(columns, rows));
    }
}
