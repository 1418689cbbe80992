package dev.skein.cli.live;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * The progress of one pipeline while {@code run}, {@code demo} and {@code submit --wait} follow
 * it: on a terminal one line redrawn in place, with a bar of the current source rate against the
 * highest seen in this run; elsewhere a line every few seconds.
 */
public final class PipelineProgress {
    /** Without a terminal: one line per this many milliseconds. */
    public static final long PLAIN_EVERY_MILLIS = 5_000;
    private static final int BAR_WIDTH = 20;

    private final LiveOutput output;
    private final Rates rates = new Rates();
    private double peakRate;

    public PipelineProgress(LiveOutput output) {
        this.output = output;
    }

    /** Shows {@code view} (a pipeline's REST view) as polled at {@code nowMillis}. */
    public void update(JsonNode view, long nowMillis) {
        double rate = rates.perSecond("source", view.path("sourceRows").asDouble(), nowMillis);
        peakRate = Math.max(peakRate, rate);
        String stages = stages(view);
        String line = String.format(Locale.ROOT, "[%6.1fs] %-10s %s | %s rows/s",
                view.path("elapsedMillis").asLong() / 1000.0, view.path("state").asText(), stages,
                Format.count(view.path("rowsPerSecond").asDouble()));
        String frame = String.format(Locale.ROOT, "%s %6.1fs %-10s %s rows/s  %s",
                Format.bar(peakRate == 0 ? 0 : rate / peakRate, BAR_WIDTH), view.path("elapsedMillis").asLong() / 1000.0,
                view.path("state").asText(), Format.count(rate), stages);
        output.show(List.of(frame), line, nowMillis);
    }

    private static String stages(JsonNode view) {
        StringBuilder text = new StringBuilder();
        for (JsonNode stage : view.path("stages")) {
            if (text.length() > 0) {
                text.append(" > ");
            }
            text.append(stage.path("name").asText()).append(' ').append(Format.count(stage.path("rowsOut").asDouble()));
        }
        return text.toString();
    }
}
