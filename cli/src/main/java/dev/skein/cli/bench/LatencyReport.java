package dev.skein.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code skein bench latency} found: source-to-last-stage latency of a sparse source.
 *
 * @param batchesComplete measured batches every row of which reached the tap (latency is over these)
 * @param p50Millis median latency, from just before the batch's DoPut to its last row at the tap
 * @param p99Millis 99th percentile (nearest rank)
 * @param maxMillis the slowest measured batch
 * @param resultOk whether the source took every row and every measured batch arrived complete
 */
public record LatencyReport(
        int workers,
        int batchRows,
        long intervalMillis,
        int warmUpBatches,
        int batches,
        int batchesComplete,
        double p50Millis,
        double p99Millis,
        double maxMillis,
        boolean resultOk) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PATH = "ingest (DoPut from this JVM) -> filter -> enrich (parallelism 2,"
            + " partition-by category) -> following tap read by this JVM";

    public String toJson() throws Exception {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("workload", "latency");
        json.put("workers", workers);
        json.put("batch_rows", batchRows);
        json.put("interval_ms", intervalMillis);
        json.put("warm_up_batches", warmUpBatches);
        json.put("batches", batches);
        json.put("batches_complete", batchesComplete);
        json.put("latency_p50_ms", p50Millis);
        json.put("latency_p99_ms", p99Millis);
        json.put("latency_max_ms", maxMillis);
        json.put("latency_path", PATH);
        json.put("result_ok", resultOk);
        return MAPPER.writeValueAsString(json);
    }

    public String toTable() {
        return String.format(Locale.ROOT, "latency, one %d-row batch every %d ms, %d measured after %d warm-up"
                        + " (%d complete)%n  %s%n  p50 %.1f ms, p99 %.1f ms, max %.1f ms; all rows arrived: %s%n",
                batchRows, intervalMillis, batches, warmUpBatches, batchesComplete, PATH, p50Millis, p99Millis,
                maxMillis, resultOk);
    }
}
