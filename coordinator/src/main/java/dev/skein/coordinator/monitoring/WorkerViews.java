package dev.skein.coordinator.monitoring;

import dev.skein.cluster.WorkerInfo;
import dev.skein.cluster.ZkWorkerRegistry;
import dev.skein.coordinator.scheduling.PipelineService;
import dev.skein.coordinator.scheduling.PipelineView;
import dev.skein.coordinator.scheduling.StageView;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The live workers with their load and memory. Memory comes from each worker's own {@code
 * /metrics}, asked for in parallel with a 2 s timeout: a worker that does not answer in time is
 * listed without it rather than holding up the answer.
 */
public final class WorkerViews {
    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(2);
    private static final Set<String> FINISHED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

    private final ZkWorkerRegistry workers;
    private final PipelineService pipelines;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(SCRAPE_TIMEOUT).build();

    public WorkerViews(ZkWorkerRegistry workers, PipelineService pipelines) {
        this.workers = workers;
        this.pipelines = pipelines;
    }

    /** Every live worker, ordered by id. */
    public List<WorkerView> list() {
        Map<String, Integer> tasks = new HashMap<>();
        for (PipelineView pipeline : pipelines.list()) {
            if (FINISHED.contains(pipeline.state())) {
                continue;
            }
            for (StageView stage : pipeline.stages()) {
                stage.workers().forEach(worker -> tasks.merge(worker, 1, Integer::sum));
            }
        }
        List<WorkerInfo> live = workers.liveWorkers();
        List<CompletableFuture<Optional<String>>> scrapes = new ArrayList<>();
        for (WorkerInfo worker : live) {
            scrapes.add(worker.metricsUrl().map(this::scrape).orElse(CompletableFuture.completedFuture(Optional.empty())));
        }
        List<WorkerView> views = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            WorkerInfo worker = live.get(i);
            Optional<String> metrics = scrapes.get(i).join();
            views.add(new WorkerView(worker.id(), worker.address(), worker.cores(), worker.startedAtMillis(),
                    tasks.getOrDefault(worker.id(), 0), worker.metricsUrl(),
                    metrics.flatMap(text -> PrometheusText.sum(text, "jvm_memory_used_bytes", "area=\"heap\"")),
                    metrics.flatMap(text -> PrometheusText.sum(text, "skein_arrow_allocated_bytes", ""))));
        }
        return views;
    }

    private CompletableFuture<Optional<String>> scrape(String url) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(SCRAPE_TIMEOUT).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> response.statusCode() == 200 ? Optional.of(response.body()) : Optional.<String>empty())
                // A worker that is slow or gone is shown without its memory; membership tells the rest.
                .exceptionally(failure -> Optional.empty());
    }
}
