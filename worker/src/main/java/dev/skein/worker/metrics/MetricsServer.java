package dev.skein.worker.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.skein.worker.task.Task;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A worker's Prometheus endpoint, {@code GET /metrics}: its tasks ({@link TaskMeters}), its Arrow
 * memory, the JVM. Served by the JDK's own HTTP server on one thread: a scrape every few seconds
 * needs nothing more, and workers carry no web framework. Open to anyone who reaches the port (it
 * holds counters and pipeline and stage names, no data).
 */
public final class MetricsServer implements AutoCloseable {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final TaskMeters taskMeters;
    private final HttpServer server;

    private MetricsServer(String workerId, BufferAllocator allocator, Supplier<List<Task>> tasks, HttpServer server) {
        this.server = server;
        registry.config().commonTags("worker", workerId);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        Gauge.builder("skein.arrow.allocated", allocator, BufferAllocator::getAllocatedMemory)
                .description("Arrow memory held now (tasks, inboxes, taps, sinks)").baseUnit("bytes")
                .register(registry);
        Gauge.builder("skein.arrow.peak", allocator, BufferAllocator::getPeakMemoryAllocation)
                .description("most Arrow memory held at once since the worker started").baseUnit("bytes")
                .register(registry);
        Gauge.builder("skein.worker.tasks", tasks, t -> t.get().size())
                .description("tasks this worker holds, running or finished but not yet dropped").register(registry);
        this.taskMeters = new TaskMeters(registry, tasks);
        server.createContext("/metrics", this::serve);
    }

    /**
     * Starts serving on {@code bindHost:port} (0 = a free port).
     *
     * @param allocator the worker's root allocator
     * @param tasks the tasks the worker knows now
     */
    public static MetricsServer start(
            String workerId, String bindHost, int port, BufferAllocator allocator, Supplier<List<Task>> tasks)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(bindHost, port), 0);
        MetricsServer metrics = new MetricsServer(workerId, allocator, tasks, server);
        server.start();
        return metrics;
    }

    /** Gives a task its meters as it starts, so a task that ends before the next scrape is still counted. */
    public void track(Task task) {
        taskMeters.track(task);
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The Prometheus text, as a scrape gets it. */
    public String scrape() {
        taskMeters.refresh();
        return registry.scrape();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        gcMetrics.close();
        registry.close();
    }
}
