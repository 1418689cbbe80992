package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

import dev.skein.spec.Placement;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A submitted pipeline as stored in ZooKeeper: the spec text (workers parse it themselves, so the
 * YAML stays the one source of truth), where each task runs, and the state. Every change of
 * placement gets a new epoch; data-plane calls carry it and workers reject stale ones.
 *
 * @param pipeline the pipeline name
 * @param epoch strictly increasing across the cluster
 * @param state where the pipeline is
 * @param specFile the file name the spec came from, for messages
 * @param specYaml the YAML text as submitted
 * @param baseDir the directory relative paths in the spec resolve against
 * @param tasks every task, ordered by stage then index
 * @param submittedAtMillis wall-clock submission time
 * @param finishedAtMillis wall-clock time it reached a terminal state, 0 before
 * @param failure why it failed or was cancelled
 * @param attempts every run of this pipeline, oldest first; the last is the current one (epoch
 *     {@code epoch}); empty for a plan that never kept its history
 * @param exchangeToken the capability every data-plane exchange of this epoch must present: an
 *     unguessable value made for this plan, known only to ZooKeeper's readers (the nodes), so a
 *     client that can reach a worker still cannot stream batches into a running task
 * @param preAggregations the final stages split into a partial aggregation upstream and a combining
 *     one (empty if none); a restart keeps them
 * @param placement the placement the submitter chose over the spec's own ({@code skein run
 *     --placement}); a restart keeps it. Empty: the spec's
 */
public record PipelinePlan(
        String pipeline,
        long epoch,
        PipelineState state,
        String specFile,
        String specYaml,
        String baseDir,
        List<TaskPlacement> tasks,
        long submittedAtMillis,
        long finishedAtMillis,
        Optional<String> failure,
        List<PipelineAttempt> attempts,
        String exchangeToken,
        List<PreAggregation> preAggregations,
        Optional<Placement> placement) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public PipelinePlan {
        requireNonNull(pipeline, "pipeline is null");
        requireNonNull(state, "state is null");
        requireNonNull(specFile, "specFile is null");
        requireNonNull(specYaml, "specYaml is null");
        requireNonNull(baseDir, "baseDir is null");
        tasks = List.copyOf(requireNonNull(tasks, "tasks is null"));
        requireNonNull(failure, "failure is null");
        attempts = List.copyOf(requireNonNull(attempts, "attempts is null"));
        requireNonNull(exchangeToken, "exchangeToken is null");
        // plans written before pre-aggregation existed have none
        preAggregations = preAggregations == null ? List.of() : List.copyOf(preAggregations);
        placement = placement == null ? Optional.empty() : placement;
    }

    /** 128 random bits, hex. */
    public static String newExchangeToken() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A first run: its history is one attempt, started at submission; a new exchange token. */
    public PipelinePlan(
            String pipeline,
            long epoch,
            PipelineState state,
            String specFile,
            String specYaml,
            String baseDir,
            List<TaskPlacement> tasks,
            long submittedAtMillis,
            long finishedAtMillis,
            Optional<String> failure) {
        this(pipeline, epoch, state, specFile, specYaml, baseDir, tasks, submittedAtMillis, finishedAtMillis, failure,
                List.of(PipelineAttempt.started(epoch, submittedAtMillis)), newExchangeToken(), List.of(),
                Optional.empty());
    }

    /** This plan with {@code splits} as its pre-aggregations. */
    public PipelinePlan withPreAggregations(List<PreAggregation> splits) {
        return new PipelinePlan(pipeline, epoch, state, specFile, specYaml, baseDir, tasks, submittedAtMillis,
                finishedAtMillis, failure, attempts, exchangeToken, splits, placement);
    }

    /** This plan with the submitter's choice of placement. */
    public PipelinePlan withPlacement(Optional<Placement> chosen) {
        return new PipelinePlan(pipeline, epoch, state, specFile, specYaml, baseDir, tasks, submittedAtMillis,
                finishedAtMillis, failure, attempts, exchangeToken, preAggregations, chosen);
    }

    /** The split of final stage {@code stage} (1-based), if the plan splits it. */
    public Optional<PreAggregation> preAggregationOf(int stage) {
        return preAggregations.stream().filter(split -> split.stage() == stage).findFirst();
    }

    public PipelinePlan withState(PipelineState newState, long finishedAt, Optional<String> why) {
        return new PipelinePlan(pipeline, epoch, newState, specFile, specYaml, baseDir, tasks, submittedAtMillis,
                finishedAt, why, attempts, exchangeToken, preAggregations, placement);
    }

    /** This plan with another history (a restart keeps the first submission time and every earlier attempt). */
    public PipelinePlan withHistory(long firstSubmittedAtMillis, List<PipelineAttempt> history) {
        return new PipelinePlan(pipeline, epoch, state, specFile, specYaml, baseDir, tasks, firstSubmittedAtMillis,
                finishedAtMillis, failure, history, exchangeToken, preAggregations, placement);
    }

    /** The current run: the last attempt. */
    public PipelineAttempt currentAttempt() {
        return attempts.isEmpty() ? PipelineAttempt.started(epoch, submittedAtMillis) : attempts.get(attempts.size() - 1);
    }

    /** Earlier attempts and the current one with {@code current} in its place. */
    public PipelinePlan withCurrentAttempt(PipelineAttempt current) {
        List<PipelineAttempt> history =
                new ArrayList<>(attempts.isEmpty() ? List.of() : attempts.subList(0, attempts.size() - 1));
        history.add(current);
        return withHistory(submittedAtMillis, history);
    }

    /** The tasks of one stage (0 = source), ordered by index. */
    public List<TaskPlacement> tasksOf(int stage) {
        return tasks.stream().filter(task -> task.stage() == stage).toList();
    }

    /** The task at {@code stage}, {@code index}. */
    public TaskPlacement task(int stage, int index) {
        return tasks.stream()
                .filter(task -> task.stage() == stage && task.index() == index)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "plan of '" + pipeline + "' has no task " + stage + "-" + index));
    }
}
