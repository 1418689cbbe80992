package dev.skein.coordinator.monitoring;

import dev.skein.cluster.ZkWorkerRegistry;
import dev.skein.coordinator.scheduling.PipelineService;
import dev.skein.coordinator.scheduling.PipelineView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The coordinator's Prometheus metrics: live workers, pipelines by state, the JVM. Per-task
 * counters are the workers' own ({@code /metrics} on each worker, listed in {@code GET
 * /api/v1/workers}); the coordinator does not repeat them.
 */
public final class CoordinatorMetrics implements AutoCloseable {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final List<String> STATES =
            List.of("RUNNING", "DRAINING", "RESTARTING", "COMMITTING", "SUCCEEDED", "FAILED", "CANCELLED");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final PipelineService pipelines;
    private final MultiGauge pipelinesByState;

    public CoordinatorMetrics(String coordinatorId, ZkWorkerRegistry workers, PipelineService pipelines) {
        this.pipelines = pipelines;
        registry.config().commonTags("coordinator", coordinatorId);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("skein.workers", workers, live -> live.liveWorkers().size())
                .description("live workers").register(registry);
        pipelinesByState = MultiGauge.builder("skein.pipelines").description("pipelines by state").register(registry);
    }

    /** The Prometheus text, as a scrape gets it. */
    public synchronized String scrape() {
        Map<String, Integer> counts = new TreeMap<>();
        STATES.forEach(state -> counts.put(state, 0));
        for (PipelineView pipeline : pipelines.list()) {
            counts.merge(pipeline.state(), 1, Integer::sum);
        }
        pipelinesByState.register(counts.entrySet().stream()
                        .map(entry -> MultiGauge.Row.of(Tags.of("state", entry.getKey()), entry.getValue()))
                        .toList(),
                true);
        return registry.scrape();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
