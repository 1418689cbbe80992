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

/** Runs W1 on a local cluster and both in-process baselines, in one run, and reports the ratios. */
public final class W1Benchmark {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long WARM_UP_FRACTION = 4;

    private W1Benchmark() {}

    /**
     * @param rows source rows
     * @param skeinSeconds submit to SUCCEEDED, as the coordinator measured it
     * @param sourceBytes Arrow bytes leaving the source (the same data in every run)
     */
    public record Report(
            long rows,
            int workers,
            double skeinSeconds,
            double queryDuckDbSeconds,
            double stagedDuckDbSeconds,
            long sourceBytes,
            boolean resultOk) {
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
            out.append(String.format(Locale.ROOT, "result matches DuckDB: %s%n", resultOk));
            return out.toString();
        }

        private void line(StringBuilder out, String name, double seconds) {
            out.append(String.format(Locale.ROOT, "%-36s %10.2f %,14.0f %10.1f %8.2f%n", name, seconds,
                    rowsPerSecond(seconds), megabytesPerSecond(seconds), stagedDuckDbSeconds / seconds));
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
        InProcessBaselines.Run query = InProcessBaselines.singleQuery(spec, 1);
        progress.println("baseline: W1 staged in one JVM, Arrow between DuckDB stages");
        InProcessBaselines.staged(warmSpec);
        InProcessBaselines.Run staged = InProcessBaselines.staged(spec);

        progress.println("skein: starting a local cluster of " + workers + " worker processes");
        JsonNode view;
        try (LocalCluster cluster = LocalCluster.start(workers, "1g", 1)) {
            CoordinatorClient client = new CoordinatorClient(cluster.coordinatorUrl());
            progress.println("skein: warm-up run, " + rows / WARM_UP_FRACTION + " rows");
            JsonNode warm = runOnce(client, warmFile, warmSpec, progress);
            if (!"SUCCEEDED".equals(warm.path("state").asText())) {
                throw new SkeinException(ErrorCode.STAGE_FAILED, "warm-up pipeline " + warm.path("state").asText()
                        + ": " + warm.path("failure").asText());
            }
            progress.println("skein: measured run, " + rows + " rows");
            view = runOnce(client, file, spec, progress);
        }
        if (!"SUCCEEDED".equals(view.path("state").asText())) {
            throw new SkeinException(ErrorCode.STAGE_FAILED, "benchmark pipeline " + view.path("state").asText()
                    + ": " + view.path("failure").asText());
        }
        List<List<String>> skeinResult = new ArrayList<>();
        for (JsonNode row : view.path("result").path("rows")) {
            List<String> values = new ArrayList<>();
            row.forEach(value -> values.add(value.asText()));
            skeinResult.add(values);
        }
        boolean ok = ResultComparison.same(query.result(), skeinResult)
                && ResultComparison.same(query.result(), staged.result())
                && view.path("sourceRows").asLong() == rows;
        return new Report(rows, workers, view.path("elapsedMillis").asLong() / 1000.0, query.seconds(),
                staged.seconds(), staged.sourceBytes(), ok);
    }
}
