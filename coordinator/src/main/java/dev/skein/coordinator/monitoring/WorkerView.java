package dev.skein.coordinator.monitoring;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What users see of a live worker ({@code GET /api/v1/workers}, {@code skein workers}, the web
 * page).
 *
 * @param id the worker's id
 * @param address its advertised Flight {@code host:port}
 * @param cores processors available to it
 * @param startedAtMillis wall-clock start
 * @param tasks tasks of unfinished pipelines placed on it
 * @param metricsUrl its Prometheus endpoint, if it serves one
 * @param heapUsedBytes JVM heap in use, as its metrics said just now; empty if they did not answer
 * @param arrowBytes Arrow memory it holds, likewise
 */
public record WorkerView(
        String id,
        String address,
        int cores,
        long startedAtMillis,
        int tasks,
        Optional<String> metricsUrl,
        Optional<Long> heapUsedBytes,
        Optional<Long> arrowBytes) {
    public WorkerView {
        requireNonNull(id, "id is null");
        requireNonNull(address, "address is null");
        requireNonNull(metricsUrl, "metricsUrl is null");
        requireNonNull(heapUsedBytes, "heapUsedBytes is null");
        requireNonNull(arrowBytes, "arrowBytes is null");
    }
}
