package dev.skein.cli.bench;

import dev.skein.cluster.values.ArrowValues;
import dev.skein.spec.Placement;
import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.client.PipelineWatcher;
import dev.skein.cli.local.LocalCluster;
import dev.skein.cli.local.WorkerProcess;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SpecParser;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs W1 on a local cluster and the in-process baselines, in one run, and reports the ratios and
 * what each cost in CPU.
 * Then W1 with one more stage that changes nothing, once as SQL and once as a Java transform, to
 * report what a Java stage costs per batch against a SQL stage: on the cluster, and in one JVM.
 */
public final class W1Benchmark {
    private static final long WARM_UP_FRACTION = 4;
    /** Each figure is the median of this many runs, all printed. */
    private static final int MEASURED_RUNS = 3;
    private static final long SELF = ProcessHandle.current().pid();

    private W1Benchmark() {}

    static JsonNode runOnce(CoordinatorClient client, Path file, PipelineSpec spec, PrintStream progress)
            throws Exception {
        CoordinatorClient.ApiResponse submitted = client.submit(file, spec.name(), Files.readString(file));
        if (!submitted.ok()) {
            throw new SkeinException(ErrorCode.INTERNAL, "benchmark pipeline refused: " + submitted.body());
        }
        return new PipelineWatcher(client, progress).await(spec.name());
    }

    public static W1Report run(long rows, int workers, Placement placement, PrintStream progress) throws Exception {
        Path dir = Files.createTempDirectory("skein-bench-");
        Path file = dir.resolve("w1bench.yaml");
        Files.writeString(file, W1Workload.yaml("w1bench", rows, placement));
        PipelineSpec spec = SpecParser.parse(file);

        // Every run is measured warm, the way a long-lived cluster runs: first the same work at a
        // quarter of the rows, so class loading and JIT compilation are not what is measured.
        Path warmFile = dir.resolve("w1warm.yaml");
        Files.writeString(warmFile, W1Workload.yaml("w1warm", Math.max(1, rows / WARM_UP_FRACTION), placement));
        PipelineSpec warmSpec = SpecParser.parse(warmFile);

        progress.println("baseline: W1 as one DuckDB query");
        InProcessBaselines.singleQuery(warmSpec, 1);
        List<InProcessBaselines.Run> queries = new ArrayList<>();
        for (int run = 0; run < MEASURED_RUNS; run++) {
            queries.add(InProcessBaselines.singleQuery(spec, 1));
        }
        InProcessBaselines.Run query = medianRun(queries);
        progress.println("baseline: W1 staged in one JVM, one streaming DuckDB query per stage");
        InProcessBaselines.staged(warmSpec);
        List<InProcessBaselines.Run> stagedRuns = new ArrayList<>();
        for (int run = 0; run < MEASURED_RUNS; run++) {
            stagedRuns.add(InProcessBaselines.staged(spec));
        }
        InProcessBaselines.Run staged = medianRun(stagedRuns);
        progress.println("baseline: W1 staged in one JVM, one DuckDB query per batch per stage (Skein's transform)");
        InProcessBaselines.perBatch(warmSpec);
        List<InProcessBaselines.Run> perBatchRuns = new ArrayList<>();
        for (int run = 0; run < MEASURED_RUNS; run++) {
            perBatchRuns.add(InProcessBaselines.perBatch(spec));
        }
        InProcessBaselines.Run perBatch = medianRun(perBatchRuns);

        progress.println("in one JVM: a pass-through stage per batch, SQL against Java");
        PassThroughCost.measure(warmSpec);
        PassThroughCost.Result passCost = PassThroughCost.measure(spec);

        progress.println("skein: starting a local cluster of " + workers + " worker processes");
        JsonNode view;
        List<Double> skeinRuns;
        double stalledTapSeconds;
        List<JsonNode> sqlPassViews = new ArrayList<>();
        List<JsonNode> javaPassViews = new ArrayList<>();
        List<Long> cpuRuns = new ArrayList<>();
        List<Map<String, Long>> workerThreadRuns = new ArrayList<>();
        List<Map<String, Long>> benchThreadRuns = new ArrayList<>();
        try (LocalCluster cluster = LocalCluster.start(workers, "1g", 1)) {
            CoordinatorClient client = new CoordinatorClient(cluster.coordinatorUrl());
            progress.println("skein: warm-up run, " + rows / WARM_UP_FRACTION + " rows");
            JsonNode warm = runOnce(client, warmFile, warmSpec, progress);
            if (!"SUCCEEDED".equals(warm.path("state").asText())) {
                throw new SkeinException(ErrorCode.STAGE_FAILED, "warm-up pipeline " + warm.path("state").asText()
                        + ": " + warm.path("failure").asText());
            }
            progress.println("skein: second warm-up run");
            succeeded(runOnce(client, warmFile, warmSpec, progress));
            // Plain and tapped runs alternate, so drift (JIT, other load) weighs on both alike.
            List<JsonNode> views = new ArrayList<>();
            List<Double> tappedRuns = new ArrayList<>();
            for (int run = 1; run <= MEASURED_RUNS; run++) {
                progress.println("skein: measured run " + run + " of " + MEASURED_RUNS + ", " + rows + " rows");
                List<Long> pids = cluster.workers().stream().map(WorkerProcess::pid).toList();
                long cpuBefore = ProcessCpu.selfAnd(pids);
                long workersBefore = ProcessCpu.of(pids);
                long selfBefore = ProcessCpu.self();
                Map<String, ProcessCpu.ThreadCpu> threadsBefore = ProcessCpu.threadsOf(pids);
                Map<String, ProcessCpu.ThreadCpu> selfThreadsBefore = ProcessCpu.threadsOf(List.of(SELF));
                views.add(runOnce(client, file, spec, progress));
                Map<String, ProcessCpu.ThreadCpu> selfThreadsAfter = ProcessCpu.threadsOf(List.of(SELF));
                Map<String, ProcessCpu.ThreadCpu> threadsAfter = ProcessCpu.threadsOf(pids);
                long selfAfter = ProcessCpu.self();
                long workersAfter = ProcessCpu.of(pids);
                cpuRuns.add(ProcessCpu.selfAnd(pids) - cpuBefore);
                workerThreadRuns.add(ProcessCpu.byKind(threadsBefore, threadsAfter, workersAfter - workersBefore));
                benchThreadRuns.add(ProcessCpu.byKind(selfThreadsBefore, selfThreadsAfter, selfAfter - selfBefore));
                progress.println("skein: the same with a tap on 'enrich' that is opened and never read");
                // A name of its own, so the tap cannot mistake the previous run for this one.
                Path tappedFile = dir.resolve("w1tapped-" + run + ".yaml");
                Files.writeString(tappedFile, W1Workload.yaml("w1tapped-" + run, rows, placement));
                PipelineSpec tappedSpec = SpecParser.parse(tappedFile);
                try (StalledTap tap = StalledTap.on(client, cluster.coordinatorFlightAddress(), tappedSpec.name(),
                        "enrich", 2)) {
                    tappedRuns.add(seconds(succeeded(runOnce(client, tappedFile, tappedSpec, progress))));
                    if (!tap.wasOpened()) {
                        throw new SkeinException(ErrorCode.INTERNAL, "the stalled tap never opened");
                    }
                }
            }
            skeinRuns = views.stream().map(W1Benchmark::seconds).toList();
            views.sort(java.util.Comparator.comparingDouble(W1Benchmark::seconds));
            view = views.get(views.size() / 2);
            List<Double> sortedTapped = new ArrayList<>(tappedRuns);
            sortedTapped.sort(null);
            stalledTapSeconds = sortedTapped.get(sortedTapped.size() / 2);
            progress.println("runs with a stalled tap (seconds): " + tappedRuns);
            progress.println("skein: W1 with a pass stage, SQL and Java, warm-up runs");
            runW1(client, dir, "w1sqlpass-warm", rows / WARM_UP_FRACTION, W1Workload.PassStage.SQL, placement, progress);
            runW1(client, dir, "w1javapass-warm", rows / WARM_UP_FRACTION, W1Workload.PassStage.JAVA, placement, progress);
            // SQL, Java, Java, SQL: a drift (JIT still warming, load from elsewhere) weighs on both alike
            progress.println("skein: W1 with a pass stage, measured runs: SQL, Java, Java, SQL");
            sqlPassViews.add(runW1(client, dir, "w1sqlpass-1", rows, W1Workload.PassStage.SQL, placement, progress));
            javaPassViews.add(runW1(client, dir, "w1javapass-1", rows, W1Workload.PassStage.JAVA, placement, progress));
            javaPassViews.add(runW1(client, dir, "w1javapass-2", rows, W1Workload.PassStage.JAVA, placement, progress));
            sqlPassViews.add(runW1(client, dir, "w1sqlpass-2", rows, W1Workload.PassStage.SQL, placement, progress));
        }
        if (!"SUCCEEDED".equals(view.path("state").asText())) {
            throw new SkeinException(ErrorCode.STAGE_FAILED, "benchmark pipeline " + view.path("state").asText()
                    + ": " + view.path("failure").asText());
        }
        boolean ok = ResultComparison.same(query.result(), resultOf(view))
                && ResultComparison.same(query.result(), staged.result())
                && ResultComparison.same(query.result(), perBatch.result())
                && view.path("sourceRows").asLong() == rows;
        boolean passOk = true;
        for (JsonNode passView : concat(sqlPassViews, javaPassViews)) {
            passOk &= ResultComparison.same(query.result(), resultOf(passView));
        }
        W1Report.PassStageReport passStage = new W1Report.PassStageReport(meanSeconds(sqlPassViews), meanSeconds(javaPassViews),
                batchesInto("pass", javaPassViews.get(0)), passCost.sqlMicrosPerBatch(), passCost.javaMicrosPerBatch(),
                passOk);
        progress.println("runs (seconds): skein " + skeinRuns + ", duckdb query "
                + queries.stream().map(InProcessBaselines.Run::seconds).toList() + ", duckdb staged "
                + stagedRuns.stream().map(InProcessBaselines.Run::seconds).toList() + ", duckdb per batch "
                + perBatchRuns.stream().map(InProcessBaselines.Run::seconds).toList() + "; CPU-s of skein runs "
                + cpuRuns.stream().map(nanos -> nanos / 1e9).toList() + "; medians reported");
        List<Long> sortedCpu = new ArrayList<>(cpuRuns);
        sortedCpu.sort(null);
        long medianCpu = sortedCpu.get(sortedCpu.size() / 2);
        progress.println("worker CPU-s by thread kind, per run: " + workerThreadRuns);
        return new W1Report(rows, workers, new W1Report.Timing(seconds(view), medianCpu), stageCpuNanos(view),
                workerThreadRuns.get(cpuRuns.indexOf(medianCpu)), benchThreadRuns.get(cpuRuns.indexOf(medianCpu)),
                timing(query), timing(staged), timing(perBatch),
                perBatch.sourceBytes(), ok, passStage, stalledTapSeconds);
    }

    private static W1Report.Timing timing(InProcessBaselines.Run run) {
        return new W1Report.Timing(run.seconds(), run.cpuNanos());
    }

    /** Each stage's task-thread CPU time as its tasks last reported it, "source" first. */
    private static Map<String, Long> stageCpuNanos(JsonNode view) {
        Map<String, Long> stages = new LinkedHashMap<>();
        for (JsonNode stage : view.path("stages")) {
            stages.put(stage.path("name").asText(), stage.path("cpuNanos").asLong());
        }
        return stages;
    }

    private static InProcessBaselines.Run medianRun(List<InProcessBaselines.Run> runs) {
        List<InProcessBaselines.Run> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(InProcessBaselines.Run::seconds));
        return sorted.get(sorted.size() / 2);
    }

    /** Runs W1 with a pass stage to its end; fails unless it succeeded. */
    private static JsonNode runW1(CoordinatorClient client, Path dir, String name, long rows,
            W1Workload.PassStage pass, Placement placement, PrintStream progress) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, W1Workload.yaml(name, Math.max(1, rows), pass, placement));
        return succeeded(runOnce(client, file, SpecParser.parse(file), progress));
    }

    static JsonNode succeeded(JsonNode view) {
        if (!"SUCCEEDED".equals(view.path("state").asText())) {
            throw new SkeinException(ErrorCode.STAGE_FAILED, "pipeline '" + view.path("name").asText() + "' "
                    + view.path("state").asText() + ": " + view.path("failure").asText());
        }
        return view;
    }

    static double seconds(JsonNode view) {
        return view.path("elapsedMillis").asLong() / 1000.0;
    }

    private static double meanSeconds(List<JsonNode> views) {
        return views.stream().mapToDouble(W1Benchmark::seconds).average().orElseThrow();
    }

    private static List<JsonNode> concat(List<JsonNode> first, List<JsonNode> second) {
        List<JsonNode> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static long batchesInto(String stage, JsonNode view) {
        for (JsonNode stageView : view.path("stages")) {
            if (stageView.path("name").asText().equals(stage)) {
                return stageView.path("batchesIn").asLong();
            }
        }
        throw new IllegalArgumentException("no stage '" + stage + "' in " + view.path("name").asText());
    }

    static List<List<String>> resultOf(JsonNode view) {
        List<List<String>> result = new ArrayList<>();
        for (JsonNode row : view.path("result").path("rows")) {
            List<String> values = new ArrayList<>();
            row.forEach(value -> values.add(ArrowValues.text(value, "NULL")));
            result.add(values);
        }
        return result;
    }
}
