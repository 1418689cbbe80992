package dev.skein.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.live.LiveOutput;
import dev.skein.cli.live.PipelineProgress;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Follows a pipeline until it ends, printing progress lines, and renders the summary. */
public final class PipelineWatcher {
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
    private static final long POLL_MILLIS = 500;

    private final CoordinatorClient client;
    private final PipelineProgress progress;

    /** Shows progress on {@code progress}: redrawn in place on a terminal, a line every few seconds elsewhere. */
    public PipelineWatcher(CoordinatorClient client, PrintStream progress) {
        this(client, new LiveOutput(new PrintWriter(progress, true), LiveOutput.onTerminal(),
                PipelineProgress.PLAIN_EVERY_MILLIS));
    }

    public PipelineWatcher(CoordinatorClient client, LiveOutput progress) {
        this.client = client;
        this.progress = new PipelineProgress(progress);
    }

    /** Polls until the pipeline is SUCCEEDED, FAILED or CANCELLED; returns its final view. */
    public JsonNode await(String name) {
        while (true) {
            CoordinatorClient.ApiResponse response = client.get(name);
            if (!response.ok()) {
                throw new SkeinException(ErrorCode.EXTERNAL, "cannot follow pipeline '" + name + "': " + response.body());
            }
            JsonNode view = response.body();
            if (TERMINAL.contains(view.path("state").asText())) {
                return view;
            }
            progress.update(view, System.currentTimeMillis());
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SkeinException(ErrorCode.CANCELLED, "interrupted while following '" + name + "'");
            }
        }
    }

    /** The per-stage summary and the result rows. */
    public static String summary(JsonNode view) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "pipeline '%s' %s in %.2f s (epoch %d)%n", view.path("name").asText(),
                view.path("state").asText(), view.path("elapsedMillis").asLong() / 1000.0, view.path("epoch").asLong()));
        out.append(String.format(Locale.ROOT, "%-12s %5s %14s %14s %9s %9s %10s  %s%n", "stage", "tasks", "rows in",
                "rows out", "batches", "MB out", "time", "workers"));
        boolean anyPreAggregated = false;
        boolean anyFused = false;
        for (JsonNode stage : view.path("stages")) {
            boolean preAggregated = stage.path("preAggregated").asBoolean(false);
            boolean fused = stage.path("fusedRows").asLong() > 0;
            anyPreAggregated |= preAggregated;
            anyFused |= fused;
            out.append(String.format(Locale.ROOT, "%-12s %5d %,14d %,14d %9d %9.1f %9.2fs  %s%n",
                    stage.path("name").asText() + (preAggregated ? "*" : "") + (fused ? "+" : ""),
                    stage.path("tasks").asInt(),
                    stage.path("rowsIn").asLong(),
                    stage.path("rowsOut").asLong(), stage.path("batchesOut").asLong(),
                    stage.path("bytesOut").asLong() / 1e6, stage.path("elapsedMillis").asLong() / 1000.0,
                    stage.path("workers").toString()));
        }
        if (anyPreAggregated) {
            out.append("* pre-aggregated: the stage before it sent partial aggregates (its rows in)")
                    .append(System.lineSeparator());
        }
        if (anyFused) {
            out.append("+ fused: most of its rows were made inside the next stage's pre-aggregation (MB out estimated)")
                    .append(System.lineSeparator());
        }
        if (view.path("attempts").size() > 1) {
            out.append(attempts(view));
        }
        if (view.hasNonNull("failure")) {
            out.append("failure: ").append(view.path("failure").asText()).append(System.lineSeparator());
        }
        out.append(String.format(Locale.ROOT, "throughput: %,.0f rows/s from the source%n",
                view.path("rowsPerSecond").asDouble()));
        JsonNode result = view.path("result");
        if (result.isObject()) {
            out.append(ResultTable.render(result));
        }
        return out.toString();
    }

    /** One line per run of a restarted pipeline: epoch, when, why, which worker, recovery time. */
    static String attempts(JsonNode view) {
        StringBuilder out = new StringBuilder("attempts:").append(System.lineSeparator());
        long submitted = view.path("submittedAtMillis").asLong();
        for (JsonNode attempt : view.path("attempts")) {
            out.append(String.format(Locale.ROOT, "  #%d epoch %d started at +%.2fs", attempt.path("attempt").asInt(),
                    attempt.path("epoch").asLong(), (attempt.path("startedAtMillis").asLong() - submitted) / 1000.0));
            if (attempt.hasNonNull("recoveryMillis")) {
                out.append(String.format(Locale.ROOT, ", recovered in %.2fs",
                        attempt.path("recoveryMillis").asLong() / 1000.0));
            }
            if (attempt.path("endedAtMillis").asLong() > 0) {
                out.append(String.format(Locale.ROOT, ", failed at +%.2fs",
                        (attempt.path("endedAtMillis").asLong() - submitted) / 1000.0));
            }
            if (attempt.hasNonNull("worker")) {
                out.append(", worker ").append(attempt.path("worker").asText());
            }
            if (attempt.hasNonNull("cause")) {
                out.append(": ").append(attempt.path("cause").asText());
            }
            out.append(System.lineSeparator());
        }
        return out.toString();
    }
}
