package dev.skein.cli.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code skein bench w1} found: Skein on the cluster against the in-process DuckDB baselines,
 * wall time and CPU time of each.
 *
 * @param rows source rows
 * @param skein submit to SUCCEEDED as the coordinator measured it (median run); CPU summed over
 *     this JVM (with the embedded coordinator and ZooKeeper) and every worker process (median run)
 * @param stageCpuNanos per stage, "source" first: the CPU time of its task threads in the median
 *     run, summed over its tasks (Flight's own threads and GC are not in it; they are in {@code
 *     skein}'s CPU)
 * @param workerThreadCpuNanos the worker processes' CPU time in the run of median CPU, by the kind
 *     of thread that spent it ({@link ProcessCpu#kindOf}; "ended": threads gone by the run's end)
 * @param benchThreadCpuNanos the same for this JVM: the embedded coordinator and ZooKeeper, and the
 *     bench following the run
 * @param query W1 as one DuckDB query, one thread
 * @param staged each stage one long-lived streaming DuckDB query over the previous one's Arrow C
 *     stream, one task per stage, one thread
 * @param perBatch Skein's per-batch transform in one JVM, one query per batch per stage
 * @param sourceBytes Arrow bytes leaving the source (the same data in every run)
 * @param resultOk whether W1's result on the cluster and in every baseline matches the single query's
 * @param passStage W1 with a pass-through stage, SQL against Java
 */
public record W1Report(
        long rows,
        int workers,
        Timing skein,
        Map<String, Long> stageCpuNanos,
        Map<String, Long> workerThreadCpuNanos,
        Map<String, Long> benchThreadCpuNanos,
        Timing query,
        Timing staged,
        Timing perBatch,
        long sourceBytes,
        boolean resultOk,
        PassStageReport passStage,
        double stalledTapSeconds) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String STAGED_KIND = "one JVM, one thread; each stage one streaming DuckDB query"
            + " (threads=1, jdbc_stream_results=true) reading the previous stage's Arrow C stream, registered once;"
            + " one task per stage (enrich not hash-partitioned)";

    public W1Report {
        requireNonNull(skein, "skein is null");
        stageCpuNanos = Collections.unmodifiableMap(new LinkedHashMap<>(stageCpuNanos));
        workerThreadCpuNanos = Collections.unmodifiableMap(new LinkedHashMap<>(workerThreadCpuNanos));
        benchThreadCpuNanos = Collections.unmodifiableMap(new LinkedHashMap<>(benchThreadCpuNanos));
        requireNonNull(query, "query is null");
        requireNonNull(staged, "staged is null");
        requireNonNull(perBatch, "perBatch is null");
        requireNonNull(passStage, "passStage is null");
    }

    /**
     * One figure.
     *
     * @param seconds wall time
     * @param cpuNanos CPU time of every process taking part
     */
    public record Timing(double seconds, long cpuNanos) {}

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

    double rowsPerSecond(double seconds) {
        return rows / seconds;
    }

    double megabytesPerSecond(double seconds) {
        return sourceBytes / 1e6 / seconds;
    }

    double cpuSecondsPerMillionRows(long cpuNanos) {
        return cpuNanos / 1e9 / (rows / 1e6);
    }

    public String toJson() throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("rows", rows);
        json.put("workers", workers);
        json.put("skein_seconds", skein.seconds());
        json.put("skein_rows_per_s", Math.round(rowsPerSecond(skein.seconds())));
        json.put("skein_mb_per_s", megabytesPerSecond(skein.seconds()));
        json.put("cpu_s_per_million_rows", cpuSecondsPerMillionRows(skein.cpuNanos()));
        Map<String, Double> stages = new LinkedHashMap<>();
        stageCpuNanos.forEach((stage, nanos) -> stages.put(stage, cpuSecondsPerMillionRows(nanos)));
        json.put("stage_thread_cpu_s_per_million_rows", stages);
        Map<String, Double> threads = new LinkedHashMap<>();
        workerThreadCpuNanos.forEach((kind, nanos) -> threads.put(kind, cpuSecondsPerMillionRows(nanos)));
        json.put("worker_cpu_s_per_million_rows_by_thread", threads);
        Map<String, Double> benchThreads = new LinkedHashMap<>();
        benchThreadCpuNanos.forEach((kind, nanos) -> benchThreads.put(kind, cpuSecondsPerMillionRows(nanos)));
        json.put("coordinator_jvm_cpu_s_per_million_rows_by_thread", benchThreads);
        json.put("duckdb_query_rows_per_s", Math.round(rowsPerSecond(query.seconds())));
        json.put("duckdb_query_mb_per_s", megabytesPerSecond(query.seconds()));
        json.put("duckdb_query_cpu_s_per_million_rows", cpuSecondsPerMillionRows(query.cpuNanos()));
        json.put("duckdb_staged_rows_per_s", Math.round(rowsPerSecond(staged.seconds())));
        json.put("duckdb_staged_mb_per_s", megabytesPerSecond(staged.seconds()));
        json.put("duckdb_staged_cpu_s_per_million_rows", cpuSecondsPerMillionRows(staged.cpuNanos()));
        json.put("duckdb_staged_kind", STAGED_KIND);
        json.put("duckdb_per_batch_rows_per_s", Math.round(rowsPerSecond(perBatch.seconds())));
        json.put("duckdb_per_batch_mb_per_s", megabytesPerSecond(perBatch.seconds()));
        json.put("duckdb_per_batch_cpu_s_per_million_rows", cpuSecondsPerMillionRows(perBatch.cpuNanos()));
        json.put("ratio_vs_query", query.seconds() / skein.seconds());
        json.put("ratio_vs_staged", staged.seconds() / skein.seconds());
        json.put("ratio_vs_per_batch", perBatch.seconds() / skein.seconds());
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
        json.put("stalled_tap_slowdown", stalledTapSeconds / skein.seconds() - 1);
        return MAPPER.writeValueAsString(json);
    }

    public String toTable() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "W1, %,d rows (%.1f MB of Arrow leaving the source)%n", rows,
                sourceBytes / 1e6));
        out.append(String.format(Locale.ROOT, "%-40s %10s %14s %10s %8s %12s%n", "run", "seconds", "rows/s", "MB/s",
                "ratio", "CPU-s/Mrows"));
        line(out, "skein, " + workers + " worker processes", skein);
        line(out, "duckdb, one query (1 thread)", query);
        line(out, "duckdb, staged, streaming query per stage", staged);
        line(out, "duckdb, staged, query per batch (Skein's)", perBatch);
        line(out, "skein, W1 with a stalled tap", new Timing(stalledTapSeconds, -1));
        line(out, "skein, W1 + SQL pass stage", new Timing(passStage.sqlSeconds(), -1));
        line(out, "skein, W1 + Java pass stage", new Timing(passStage.javaSeconds(), -1));
        out.append("ratio: the staged streaming baseline's time over the run's\n");
        StringBuilder stages = new StringBuilder();
        stageCpuNanos.forEach((stage, nanos) -> stages.append(String.format(Locale.ROOT, " %s %.3f", stage,
                cpuSecondsPerMillionRows(nanos))));
        out.append("skein, task thread CPU-s per million source rows, by stage:").append(stages).append('\n');
        StringBuilder threads = new StringBuilder();
        workerThreadCpuNanos.forEach((kind, nanos) -> threads.append(String.format(Locale.ROOT, " %s %.3f", kind,
                cpuSecondsPerMillionRows(nanos))));
        out.append("skein, worker processes' CPU-s per million source rows, by thread:").append(threads).append('\n');
        StringBuilder benchThreads = new StringBuilder();
        benchThreadCpuNanos.forEach((kind, nanos) -> benchThreads.append(String.format(Locale.ROOT, " %s %.3f", kind,
                cpuSecondsPerMillionRows(nanos))));
        out.append("skein, this JVM's (coordinator, ZooKeeper, bench) CPU-s per million source rows, by thread:")
                .append(benchThreads).append('\n');
        out.append(String.format(Locale.ROOT, "result matches DuckDB: %s (with a pass stage: %s)%n", resultOk,
                passStage.resultOk()));
        out.append(String.format(Locale.ROOT,
                "pass stage, per batch of up to 65536 rows (%d batches): in one JVM SQL %.1f us, Java %.1f us;"
                        + " on the cluster Java minus SQL %+.1f us%n",
                passStage.batches(), passStage.sqlMicrosPerBatch(), passStage.javaMicrosPerBatch(),
                passStage.clusterOverheadMicrosPerBatch()));
        return out.toString();
    }

    private void line(StringBuilder out, String name, Timing timing) {
        String cpu = timing.cpuNanos() < 0 ? "" : String.format(Locale.ROOT, "%.3f",
                cpuSecondsPerMillionRows(timing.cpuNanos()));
        out.append(String.format(Locale.ROOT, "%-40s %10.2f %,14.0f %10.1f %8.2f %12s%n", name, timing.seconds(),
                rowsPerSecond(timing.seconds()), megabytesPerSecond(timing.seconds()),
                staged.seconds() / timing.seconds(), cpu));
    }
}
