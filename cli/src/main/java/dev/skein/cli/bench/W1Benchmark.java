package dev.skein.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.client.PipelineWatcher;
import dev.skein.cli.local.LocalCluster;
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
import java.util.Locale;
import java.util.Map;

/**
 * Runs W1 on a local cluster and both in-process baselines, in one run, and reports the ratios.
 * Then W1 with one more stage that changes nothing, once as SQL and once as a Java transform, to
 * report what a Java stage costs per batch against a SQL stage: on the cluster, and in one JVM.
 */
public final class W1Benchmark {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long WARM_UP_FRACTION = 4;
    /** Each figure is the median of this many runs, all printed. */
    private static final int MEASURED_RUNS = 3;

    private W1Benchmark() {}

    /**
     * @param rows source rows
     * @param skeinSeconds submit to SUCCEEDED, as the coordinator measured it
     * @param sourceBytes Arrow bytes leaving the source (the same data in every run)
     * @param resultOk whether W1's result on the cluster and staged matches the single query's
     * @param passStage W1 with a pass-through stage, SQL against Java
     */
    public record Report(
            long rows,
            int workers,
            double skeinSeconds,
            double queryDuckDbSeconds,
            double stagedDuckDbSeconds,
            long sourceBytes,
            boolean resultOk,
            PassStageReport passStage,
            double stalledTapSeconds) {
        double rowsPerSecond(double seconds) {
            return rows / seconds;
        }

        double megabytesPerSecond(double seconds) {
            return sourceBytes / 1e6 / seconds;
        }

        public String toJson() throws Exception {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("rows", rows);
            json.put("workers", workers);
            json.put("skein_seconds", skeinSeconds);
            json.put("skein_rows_per_s", Math.round(rowsPerSecond(skeinSeconds)));
            json.put("skein_mb_per_s", megabytesPerSecond(skeinSeconds));
            json.put("duckdb_query_rows_per_s", Math.round(rowsPerSecond(queryDuckDbSeconds)));
            json.put("duckdb_query_mb_per_s", megabytesPerSecond(queryDuckDbSeconds));
            json.put("duckdb_staged_rows_per_s", Math.round(rowsPerSecond(stagedDuckDbSeconds)));
            json.put("duckdb_staged_mb_per_s", megabytesPerSecond(stagedDuckDbSeconds));
            json.put("ratio_vs_query", queryDuckDbSeconds / skeinSeconds);
            json.put("ratio_vs_staged", stagedDuckDbSeconds / skeinSeconds);
            json.put("result_ok", resultOk);
            json.put("pass_stage_batches", passStage.batches());
            json.put("sql_pass_stage_skein_seconds", passStage.sqlSeconds());
            json.put("java_pass_stage_skein_seconds", passStage.javaSeconds());
            json.put("java_pass_stage_overhead_us_per_batch", passStage.clusterOverheadMicrosPerBatch());
            json.put("sql_pass_stage_us_per_batch_in_process", passStage.sqlMicrosPerBatch());
            json.put("java_pass_stage_us_per_batch_in_process", passStage.javaMicrosPerBatch());
            json.put("java_pass_stage_overhead_us_per_batch_in_process",
                    passStage.javaMicrosPerBatch() - passStage.sqlMicrosPerBatch());
            json.put("pass_stage_result_ok", passStage.resultOk());
            json.put("skein_with_stalled_tap_seconds", stalledTapSeconds);
            json.put("stalled_tap_slowdown", stalledTapSeconds / skeinSeconds - 1);
            return MAPPER.writeValueAsString(json);
        }

        public String toTable() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "W1, %,d rows (%.1f MB of Arrow leaving the source)%n", rows,
                    sourceBytes / 1e6));
            out.append(String.format(Locale.ROOT, "%-36s %10s %14s %10s %8s%n", "run", "seconds", "rows/s", "MB/s",
                    "ratio"));
            line(out, "skein, " + workers + " worker processes", skeinSeconds);
            line(out, "duckdb, one query (1 thread)", queryDuckDbSeconds);
            line(out, "duckdb, staged with Arrow (1 thread)", stagedDuckDbSeconds);
            line(out, "skein, W1 with a stalled tap", stalledTapSeconds);
            line(out, "skein, W1 + SQL pass stage", passStage.sqlSeconds());
            line(out, "skein, W1 + Java pass stage", passStage.javaSeconds());
            out.append(String.format(Locale.ROOT, "result matches DuckDB: %s (with a pass stage: %s)%n", resultOk,
                    passStage.resultOk()));
            out.append(String.format(Locale.ROOT,
                    "pass stage, per batch of up to 65536 rows (%d batches): in one JVM SQL %.1f us, Java %.1f us;"
                            + " on the cluster Java minus SQL %+.1f us%n",
                    passStage.batches(), passStage.sqlMicrosPerBatch(), passStage.javaMicrosPerBatch(),
                    passStage.clusterOverheadMicrosPerBatch()));
            return out.toString();
        }

        private void line(StringBuilder out, String name, double seconds) {
            out.append(String.format(Locale.ROOT, "%-36s %10.2f %,14.0f %10.1f %8.2f%n", name, seconds,
                    rowsPerSecond(seconds), megabytesPerSecond(seconds), stagedDuckDbSeconds / seconds));
        }
    }

    /**
     * W1 with a stage after {@code filter} that passes every batch on unchanged.
     *
     * @param sqlSeconds on the cluster with the stage as {@code SELECT * FROM input}, submit to
     *     SUCCEEDED, the mean of two runs (measured SQL, Java, Java, SQL)
     * @param javaSeconds on the cluster with the stage as {@link PassThrough}, the mean of two runs
     * @param batches batches into the stage, each up to 65536 rows (the same in both runs)
     * @param sqlMicrosPerBatch the SQL stage's time per batch in one JVM ({@link PassThroughCost})
     * @param javaMicrosPerBatch the Java stage's time per batch in one JVM
     * @param resultOk whether every cluster run's result matches the single DuckDB query's
     */
    public record PassStageReport(
            double sqlSeconds,
            double javaSeconds,
            long batches,
            double sqlMicrosPerBatch,
            double javaMicrosPerBatch,
            boolean resultOk) {
        /** What the Java stage added per batch over the SQL stage, end to end on the cluster. */
        double clusterOverheadMicrosPerBatch() {
            return (javaSeconds - sqlSeconds) * 1e6 / batches;
        }
    }

    private static JsonNode runOnce(CoordinatorClient client, Path file, PipelineSpec spec, PrintStream progress)
            throws Exception {
        CoordinatorClient.ApiResponse submitted = client.submit(file, spec.name(), Files.readString(file));
        if (!submitted.ok()) {
            throw new SkeinException(ErrorCode.INTERNAL, "benchmark pipeline refused: " + submitted.body());
        }
        return new PipelineWatcher(client, progress).await(spec.name());
    }

    public static Report run(long rows, int workers, PrintStream progress) throws Exception {
        Path dir = Files.createTempDirectory("skein-bench-");
        Path file = dir.resolve("w1bench.yaml");
        Files.writeString(file, W1Workload.yaml("w1bench", rows));
        PipelineSpec spec = SpecParser.parse(file);

        // Every run is measured warm, the way a long-lived cluster runs: first the same work at a
        // quarter of the rows, so class loading and JIT compilation are not what is measured.
        Path warmFile = dir.resolve("w1warm.yaml");
        Files.writeString(warmFile, W1Workload.yaml("w1warm", Math.max(1, rows / WARM_UP_FRACTION)));
        PipelineSpec warmSpec = SpecParser.parse(warmFile);

        progress.println("baseline: W1 as one DuckDB query");
        InProcessBaselines.singleQuery(warmSpec, 1);
        List<InProcessBaselines.Run> queries = new ArrayList<>();
        for (int run = 0; run < MEASURED_RUNS; run++) {
            queries.add(InProcessBaselines.singleQuery(spec, 1));
        }
        InProcessBaselines.Run query = medianRun(queries);
        progress.println("baseline: W1 staged in one JVM, Arrow between DuckDB stages");
        InProcessBaselines.staged(warmSpec);
        List<InProcessBaselines.Run> stagedRuns = new ArrayList<>();
        for (int run = 0; run < MEASURED_RUNS; run++) {
            stagedRuns.add(InProcessBaselines.staged(spec));
        }
        InProcessBaselines.Run staged = medianRun(stagedRuns);

        progress.println("in one JVM: a pass-through stage per batch, SQL against Java");
        PassThroughCost.measure(warmSpec);
        PassThroughCost.Result passCost = PassThroughCost.measure(spec);

        progress.println("skein: starting a local cluster of " + workers + " worker processes");
        JsonNode view;
        List<Double> skeinRuns;
        double stalledTapSeconds;
        List<JsonNode> sqlPassViews = new ArrayList<>();
        List<JsonNode> javaPassViews = new ArrayList<>();
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
                views.add(runOnce(client, file, spec, progress));
                progress.println("skein: the same with a tap on 'enrich' that is opened and never read");
                // A name of its own, so the tap cannot mistake the previous run for this one.
                Path tappedFile = dir.resolve("w1tapped-" + run + ".yaml");
                Files.writeString(tappedFile, W1Workload.yaml("w1tapped-" + run, rows));
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
            runW1(client, dir, "w1sqlpass-warm", rows / WARM_UP_FRACTION, W1Workload.PassStage.SQL, progress);
            runW1(client, dir, "w1javapass-warm", rows / WARM_UP_FRACTION, W1Workload.PassStage.JAVA, progress);
            // SQL, Java, Java, SQL: a drift (JIT still warming, load from elsewhere) weighs on both alike
            progress.println("skein: W1 with a pass stage, measured runs: SQL, Java, Java, SQL");
            sqlPassViews.add(runW1(client, dir, "w1sqlpass-1", rows, W1Workload.PassStage.SQL, progress));
            javaPassViews.add(runW1(client, dir, "w1javapass-1", rows, W1Workload.PassStage.JAVA, progress));
            javaPassViews.add(runW1(client, dir, "w1javapass-2", rows, W1Workload.PassStage.JAVA, progress));
            sqlPassViews.add(runW1(client, dir, "w1sqlpass-2", rows, W1Workload.PassStage.SQL, progress));
        }
        if (!"SUCCEEDED".equals(view.path("state").asText())) {
            throw new SkeinException(ErrorCode.STAGE_FAILED, "benchmark pipeline " + view.path("state").asText()
                    + ": " + view.path("failure").asText());
        }
        boolean ok = ResultComparison.same(query.result(), resultOf(view))
                && ResultComparison.same(query.result(), staged.result())
                && view.path("sourceRows").asLong() == rows;
        boolean passOk = true;
        for (JsonNode passView : concat(sqlPassViews, javaPassViews)) {
            passOk &= ResultComparison.same(query.result(), resultOf(passView));
        }
        PassStageReport passStage = new PassStageReport(meanSeconds(sqlPassViews), meanSeconds(javaPassViews),
                batchesInto("pass", javaPassViews.get(0)), passCost.sqlMicrosPerBatch(), passCost.javaMicrosPerBatch(),
                passOk);
        progress.println("runs (seconds): skein " + skeinRuns + ", duckdb query "
                + queries.stream().map(InProcessBaselines.Run::seconds).toList() + ", duckdb staged "
                + stagedRuns.stream().map(InProcessBaselines.Run::seconds).toList() + "; medians reported");
        return new Report(rows, workers, seconds(view), query.seconds(), staged.seconds(), staged.sourceBytes(), ok,
                passStage, stalledTapSeconds);
    }

    private static InProcessBaselines.Run medianRun(List<InProcessBaselines.Run> runs) {
        List<InProcessBaselines.Run> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(InProcessBaselines.Run::seconds));
        return sorted.get(sorted.size() / 2);
    }

    /** Runs W1 with a pass stage to its end; fails unless it succeeded. */
    private static JsonNode runW1(CoordinatorClient client, Path dir, String name, long rows,
            W1Workload.PassStage pass, PrintStream progress) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, W1Workload.yaml(name, Math.max(1, rows), pass));
        return succeeded(runOnce(client, file, SpecParser.parse(file), progress));
    }

    private static JsonNode succeeded(JsonNode view) {
        if (!"SUCCEEDED".equals(view.path("state").asText())) {
            throw new SkeinException(ErrorCode.STAGE_FAILED, "pipeline '" + view.path("name").asText() + "' "
                    + view.path("state").asText() + ": " + view.path("failure").asText());
        }
        return view;
    }

    private static double seconds(JsonNode view) {
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

    private static List<List<String>> resultOf(JsonNode view) {
        List<List<String>> result = new ArrayList<>();
        for (JsonNode row : view.path("result").path("rows")) {
            List<String> values = new ArrayList<>();
            row.forEach(value -> values.add(value.asText()));
            result.add(values);
        }
        return result;
    }
}
