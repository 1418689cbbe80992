package dev.skein.worker.metrics;

import dev.skein.cluster.TaskKey;
import dev.skein.worker.exchange.TaskInbox;
import dev.skein.worker.task.Task;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The meters of every task this worker knows, labelled {@code pipeline}, {@code stage} (its name)
 * and {@code task} (its index): nothing per batch. They read the counters tasks keep anyway (the
 * ones the status reporter writes to ZooKeeper), so counting costs the hot path nothing more;
 * {@link #track} registers a task's meters as it starts, {@link #refresh} finds tasks the
 * worker dropped and runs before every scrape. A task the worker
 * dropped (its pipeline ended) keeps its meters, with its final counts, for {@link #KEEP_GONE}, so
 * that scrapes a minute apart still see a short pipeline's totals; a task of a newer epoch takes
 * over its labels from the older one at once.
 */
final class TaskMeters {
    private static final double NANOS_PER_SECOND = 1e9;
    static final Duration KEEP_GONE = Duration.ofMinutes(2);

    /** @param goneSinceNanos when the worker dropped the task ({@link System#nanoTime}); empty while it holds it */
    private record Registered(Task task, List<Meter> meters, OptionalLong goneSinceNanos) {
        Registered gone(long nowNanos) {
            return goneSinceNanos.isPresent() ? this : new Registered(task, meters, OptionalLong.of(nowNanos));
        }
    }

    private final MeterRegistry registry;
    private final Supplier<List<Task>> tasks;
    // Guarded by this.
    private final Map<String, Registered> registered = new HashMap<>();

    TaskMeters(MeterRegistry registry, Supplier<List<Task>> tasks) {
        this.registry = registry;
        this.tasks = tasks;
    }

    /** Gives {@code task} its meters now, if it has none: a task that ends before any scrape still shows. */
    synchronized void track(Task task) {
        String labels = labelsOf(task);
        Registered current = registered.get(labels);
        if (current != null && (current.task() == task
                || current.task().wiring().key().epoch() > task.wiring().key().epoch())) {
            return;
        }
        if (current != null) {
            remove(current);
        }
        registered.put(labels, new Registered(task, register(task), OptionalLong.empty()));
    }

    synchronized void refresh() {
        Map<String, Task> newest = new HashMap<>();
        for (Task task : tasks.get()) {
            newest.merge(labelsOf(task), task, (a, b) -> a.wiring().key().epoch() >= b.wiring().key().epoch() ? a : b);
        }
        long now = System.nanoTime();
        Set<String> gone = new HashSet<>(registered.keySet());
        gone.removeAll(newest.keySet());
        for (String labels : gone) {
            Registered old = registered.get(labels).gone(now);
            if (now - old.goneSinceNanos().getAsLong() > KEEP_GONE.toNanos()) {
                remove(registered.remove(labels));
            } else {
                registered.put(labels, old);
            }
        }
        newest.values().forEach(this::track);
    }

    private static String labelsOf(Task task) {
        TaskKey key = task.wiring().key();
        return key.pipeline() + "/" + key.stage() + "/" + key.index();
    }

    private void remove(Registered old) {
        old.meters().forEach(registry::remove);
    }

    private List<Meter> register(Task task) {
        TaskKey key = task.wiring().key();
        Tags tags = Tags.of("pipeline", key.pipeline(), "stage", task.wiring().stageName(),
                "task", Integer.toString(key.index()));
        List<Meter> meters = new ArrayList<>();
        meters.add(counter("skein.task.rows.in", "rows received", tags, task, t -> t.counters().rowsIn()));
        meters.add(counter("skein.task.rows.out", "rows emitted", tags, task, t -> t.counters().rowsOut()));
        meters.add(counter("skein.task.batches.in", "batches received", tags, task, t -> t.counters().batchesIn()));
        meters.add(counter("skein.task.batches.out", "batches emitted", tags, task, t -> t.counters().batchesOut()));
        meters.add(FunctionCounter.builder("skein.task.output", task, t -> t.counters().bytesOut())
                .description("Arrow buffer bytes emitted").baseUnit("bytes").tags(tags).register(registry));
        meters.add(seconds("skein.task.cpu", "CPU time of the task's thread", tags, task, t -> t.counters().cpuNanos()));
        meters.add(seconds("skein.task.duckdb", "time in DuckDB statements, handing on their output excluded",
                tags, task, Task::duckDbNanos));
        meters.add(seconds("skein.task.send", "time handing output to the next stage, waiting for room there"
                + " (backpressure) included", tags, task, t -> t.edgeCounters().sendNanos()));
        meters.add(FunctionCounter.builder("skein.edge.sent", task, t -> t.edgeCounters().flightBytes())
                .description("Arrow buffer bytes sent to the next stage").baseUnit("bytes")
                .tags(tags.and("transport", "flight")).register(registry));
        meters.add(FunctionCounter.builder("skein.edge.sent", task, t -> t.edgeCounters().localBytes())
                .description("Arrow buffer bytes sent to the next stage").baseUnit("bytes")
                .tags(tags.and("transport", "local")).register(registry));
        meters.add(counter("skein.task.tap.dropped", "batches taps of this task lost by falling behind", tags, task,
                t -> t.taps().dropped()));
        if (task.inbox().isPresent()) {
            TaskInbox inbox = task.inbox().get();
            meters.add(Gauge.builder("skein.task.inbox.depth", inbox, TaskInbox::depth)
                    .description("batches waiting in the task's inbox (capacity " + TaskInbox.DEFAULT_CAPACITY + ")")
                    .tags(tags).register(registry));
            meters.add(FunctionCounter.builder("skein.task.inbox.blocked", inbox,
                            i -> i.blockedNanos() / NANOS_PER_SECOND)
                    .description("time upstream senders waited for room in the inbox: backpressure from this task")
                    .baseUnit("seconds").tags(tags).register(registry));
        }
        return meters;
    }

    private Meter counter(String name, String description, Tags tags, Task task, ToDoubleFunction<Task> value) {
        return FunctionCounter.builder(name, task, value).description(description).tags(tags).register(registry);
    }

    private Meter seconds(String name, String description, Tags tags, Task task, ToDoubleFunction<Task> nanos) {
        return FunctionCounter.builder(name, task, t -> nanos.applyAsDouble(t) / NANOS_PER_SECOND)
                .description(description).baseUnit("seconds").tags(tags).register(registry);
    }
}
