package dev.skein.cli.live;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code skein top} shows: every pipeline with its stages (tasks, rows/s in and out,
 * backpressure) and every worker with its memory. Backpressure is the share of the last interval
 * that upstream senders spent waiting for room in a stage's inboxes, per task: near 100% the
 * stage is the bottleneck. Used by one thread.
 */
public final class TopView {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Rates rates = new Rates();
    private final String coordinator;

    public TopView(String coordinator) {
        this.coordinator = coordinator;
    }

    /** The full-screen frame and the one-line form of {@code pipelines} and {@code workers} polled at {@code nowMillis}. */
    public Rendered render(JsonNode pipelines, JsonNode workers, long nowMillis) {
        List<String> frame = new ArrayList<>();
        String clock = CLOCK.format(Instant.ofEpochMilli(nowMillis));
        frame.add("skein top  " + coordinator + "  " + clock + " UTC");
        frame.add("");
        frame.add(String.format(Locale.ROOT, "%-16s %-10s %-14s %5s %10s %10s %9s %9s %6s", "PIPELINE", "STATE", "STAGE",
                "TASKS", "ROWS IN", "ROWS OUT", "IN/S", "OUT/S", "BP"));
        StringBuilder line = new StringBuilder(clock);
        for (JsonNode pipeline : pipelines) {
            String name = pipeline.path("name").asText();
            String state = pipeline.path("state").asText();
            line.append(" | ").append(name).append(' ').append(state);
            boolean first = true;
            for (JsonNode stage : pipeline.path("stages")) {
                String key = name + "/" + stage.path("name").asText();
                double in = rates.perSecond(key + "/in", stage.path("rowsIn").asDouble(), nowMillis);
                double out = rates.perSecond(key + "/out", stage.path("rowsOut").asDouble(), nowMillis);
                double blockedPerSecond = rates.perSecond(key + "/blocked", stage.path("inboxBlockedNanos").asDouble(),
                        nowMillis) / 1e9;
                int tasks = Math.max(1, stage.path("tasks").asInt());
                String backpressure = String.format(Locale.ROOT, "%.0f%%", Math.min(100, 100 * blockedPerSecond / tasks));
                frame.add(String.format(Locale.ROOT, "%-16s %-10s %-14s %5d %10s %10s %9s %9s %6s", first ? name : "",
                        first ? state : "", stage.path("name").asText(), stage.path("tasks").asInt(),
                        Format.count(stage.path("rowsIn").asDouble()), Format.count(stage.path("rowsOut").asDouble()),
                        Format.count(in), Format.count(out), backpressure));
                line.append(' ').append(stage.path("name").asText()).append(' ').append(Format.count(out)).append("/s");
                if (blockedPerSecond > 0) {
                    line.append(" bp ").append(backpressure);
                }
                first = false;
            }
        }
        if (pipelines.isEmpty()) {
            frame.add("(no pipelines)");
            line.append(" | no pipelines");
        }
        frame.add("");
        frame.add(String.format(Locale.ROOT, "%-24s %-22s %5s %5s %10s %10s", "WORKER", "FLIGHT", "CORES", "TASKS", "HEAP",
                "ARROW"));
        long heap = 0;
        long arrow = 0;
        for (JsonNode worker : workers) {
            long workerHeap = bytesOrUnknown(worker.path("heapUsedBytes"));
            long workerArrow = bytesOrUnknown(worker.path("arrowBytes"));
            heap += Math.max(0, workerHeap);
            arrow += Math.max(0, workerArrow);
            frame.add(String.format(Locale.ROOT, "%-24s %-22s %5d %5d %10s %10s", worker.path("id").asText(),
                    worker.path("address").asText(), worker.path("cores").asInt(), worker.path("tasks").asInt(),
                    Format.bytes(workerHeap), Format.bytes(workerArrow)));
        }
        line.append(String.format(Locale.ROOT, " | %d workers, heap %s, arrow %s", workers.size(), Format.bytes(heap),
                Format.bytes(arrow)));
        return new Rendered(frame, line.toString());
    }

    private static long bytesOrUnknown(JsonNode value) {
        return value.isNumber() ? value.asLong() : -1;
    }

    /** A frame for a terminal and its one-line form for anything else. */
    public record Rendered(List<String> frame, String line) {
        public Rendered {
            frame = List.copyOf(frame);
        }
    }
}
