package dev.skein.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code skein bench recovery} found.
 *
 * @param plainSeconds the plain runs' pipeline times, sorted
 * @param kills one run per kill target
 * @param resultOk every run, plain and killed, gave DuckDB's answer (killed runs after a restart)
 */
public record RecoveryReport(long rows, int workers, List<Double> plainSeconds, List<Kill> kills, boolean resultOk) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One run with a worker killed.
     *
     * @param stage whose worker was killed
     * @param seconds the pipeline's time, first submit to success, restart included
     * @param killedAfterMillis submit until the kill
     * @param attempts runs of the pipeline (2 after one restart)
     * @param detectedMillis kill until the coordinator ended the attempt it broke
     * @param runningMillis kill until every task of the next attempt was running
     * @param cause what the coordinator gave as the first attempt's cause
     * @param resultOk the pipeline succeeded after a restart with DuckDB's answer and every source row
     */
    public record Kill(String stage, String worker, double seconds, long killedAfterMillis, int attempts, long detectedMillis,
            long runningMillis, String cause, boolean resultOk) {}

    public double plainMedianSeconds() {
        return plainSeconds.get(plainSeconds.size() / 2);
    }

    private List<Long> sorted(java.util.function.ToLongFunction<Kill> value) {
        List<Long> values = new ArrayList<>(kills.stream().mapToLong(value).boxed().toList());
        values.sort(null);
        return values;
    }

    public String toJson() throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("workload", "recovery");
        json.put("rows", rows);
        json.put("workers", workers);
        json.put("spare_workers", 1);
        json.put("plain_seconds", plainSeconds);
        json.put("plain_median_seconds", plainMedianSeconds());
        List<Map<String, Object>> runs = new ArrayList<>();
        for (Kill kill : kills) {
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("killed_stage", kill.stage());
            run.put("killed_worker", kill.worker());
            run.put("killed_after_ms", kill.killedAfterMillis());
            run.put("seconds", kill.seconds());
            run.put("extra_seconds", kill.seconds() - plainMedianSeconds());
            run.put("attempts", kill.attempts());
            run.put("detected_ms", kill.detectedMillis());
            run.put("running_again_ms", kill.runningMillis());
            run.put("cause", kill.cause());
            run.put("result_ok", kill.resultOk());
            runs.add(run);
        }
        json.put("killed_runs", runs);
        List<Long> running = sorted(Kill::runningMillis);
        json.put("running_again_p50_ms", running.get(running.size() / 2));
        json.put("running_again_max_ms", running.get(running.size() - 1));
        json.put("result_ok", resultOk);
        return MAPPER.writeValueAsString(json);
    }

    public String toTable() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "recovery, W1 with %,d rows on %d workers and one spare; plain runs %s s (median %.2f)%n",
                rows, workers, plainSeconds, plainMedianSeconds()));
        out.append(String.format(Locale.ROOT, "  %-8s %-10s %9s %9s %9s %9s %12s %16s  %s%n", "killed", "worker",
                "at s", "seconds", "extra s", "attempts", "detected ms", "running again ms", "answer"));
        for (Kill kill : kills) {
            out.append(String.format(Locale.ROOT, "  %-8s %-10s %9.2f %9.2f %9.2f %9d %12d %16d  %s%n", kill.stage(),
                    kill.worker(), kill.killedAfterMillis() / 1000.0, kill.seconds(),
                    kill.seconds() - plainMedianSeconds(), kill.attempts(),
                    kill.detectedMillis(), kill.runningMillis(), kill.resultOk() ? "exact" : "WRONG"));
        }
        List<Long> running = sorted(Kill::runningMillis);
        out.append(String.format(Locale.ROOT, "  kill -> every task of the next attempt running: p50 %d ms, max %d ms;"
                + " every answer exact: %s%n", running.get(running.size() / 2), running.get(running.size() - 1),
                resultOk));
        return out.toString();
    }
}
