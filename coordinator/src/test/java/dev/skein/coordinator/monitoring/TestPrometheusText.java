package dev.skein.coordinator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** Reading a worker's memory out of a real Micrometer scrape, as the worker list does. */
class TestPrometheusText {
    @Test
    void sumsTheSamplesOfAMetricWhoseLabelsMatch() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            registry.config().commonTags("worker", "w 1");
            new JvmMemoryMetrics().bindTo(registry);
            Gauge.builder("skein.arrow.allocated", () -> 12_345_678L).baseUnit("bytes").register(registry);
            Gauge.builder("skein.arrow.allocated.more", () -> 1L).baseUnit("bytes").register(registry);
            String text = registry.scrape();

            assertThat(PrometheusText.sum(text, "skein_arrow_allocated_bytes", "")).contains(12_345_678L);
            assertThat(PrometheusText.sum(text, "jvm_memory_used_bytes", "area=\"heap\"")).hasValueSatisfying(heap ->
                    assertThat(heap).isPositive());
            assertThat(PrometheusText.sum(text, "jvm_memory_used_bytes", "area=\"nowhere\"")).isEmpty();
            assertThat(PrometheusText.sum(text, "skein_missing", "")).isEmpty();
        } finally {
            registry.close();
        }
    }
}
