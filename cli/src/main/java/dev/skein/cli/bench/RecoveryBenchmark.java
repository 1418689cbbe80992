package dev.skein.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.client.PipelineWatcher;
import dev.skein.cli.local.LocalCluster;
import dev.skein.cli.local.WorkerProcess;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.Placement;
import dev.skein.spec.SpecParser;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code skein bench recovery}: W1 on a local cluster with one spare worker, run plain and then
 * once per kill target with a worker killed (SIGKILL) part-way through: the worker of {@code
 * source} (and {@code filter}, which shares it under chain placement), of an {@code enrich} task,
 * and of {@code totals}. Each killed run must restart on the live workers and give exactly the
 * answer DuckDB gives as one query; the report says how long each took to notice the loss and to
 * run again, and what the restart cost next to a plain run. The killed worker is replaced before
 * the next run, so every run starts with a spare.
 */
public final class RecoveryBenchmark {
    private static final String[] TARGETS = {"source", "enrich", "totals"};
    private static final long POLL_MILLIS = 20;
    /** Kill once the source has emitted this share of its rows. */
    private static final double KILL_AT = 0.4;
    private static final int PLAIN_RUNS = 3;

    private RecoveryBenchmark() {}

    public static RecoveryReport run(long rows, int workers, Placement placement, PrintStream progress)
            throws Exception {
        Path dir = Files.createTempDirectory("skein-bench-recovery-");
        Path file = dir.resolve("w1.yaml");
        Files.writeString(file, W1Workload.yaml("w1", rows, placement));
        PipelineSpec spec = SpecParser.parse(file);
        progress.println("baseline: W1 as one DuckDB query in this JVM (the expected answer)");
        List<List<String>> expected = InProcessBaselines.singleQuery(spec, 1).result();

        int processes = workers + 1;
        progress.println("skein: starting a local cluster of " + processes + " worker processes (one spare)");
        List<Double> plainSeconds = new ArrayList<>();
        List<RecoveryReport.Kill> kills = new ArrayList<>();
        boolean ok = true;
        try (LocalCluster cluster = LocalCluster.start(processes, "1g", 1)) {
            CoordinatorClient client = new CoordinatorClient(cluster.coordinatorUrl());
            progress.println("skein: warm-up run");
            W1Benchmark.succeeded(submitAndAwait(client, dir, "w1warm", rows / 4, placement, progress));
            for (int run = 1; run <= PLAIN_RUNS; run++) {
                progress.println("skein: plain run " + run + " of " + PLAIN_RUNS + ", " + rows + " rows");
                JsonNode view = W1Benchmark.succeeded(submitAndAwait(client, dir, "w1plain-" + run, rows, placement,
                        progress));
                ok &= ResultComparison.same(expected, W1Benchmark.resultOf(view));
                plainSeconds.add(W1Benchmark.seconds(view));
            }
            int replacements = 0;
            for (String target : TARGETS) {
                progress.println("skein: run with the worker of '" + target + "' killed at " + (int) (KILL_AT * 100)
                        + "% of the source's rows");
                RecoveryReport.Kill kill = killedRun(cluster, client, dir, "w1kill-" + target, rows, placement, target,
                        expected, progress);
                kills.add(kill);
                ok &= kill.resultOk();
                replacements++;
                cluster.addWorker("worker-r" + replacements, "1g", 1);
                cluster.awaitWorkers(processes);
            }
        }
        plainSeconds.sort(null);
        return new RecoveryReport(rows, workers, plainSeconds, kills, ok);
    }

    private static RecoveryReport.Kill killedRun(LocalCluster cluster, CoordinatorClient client, Path dir, String name,
            long rows, Placement placement, String target, List<List<String>> expected, PrintStream progress)
            throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, W1Workload.yaml(name, rows, placement));
        CoordinatorClient.ApiResponse submitted = client.submit(file, name, Files.readString(file));
        if (!submitted.ok()) {
            throw new SkeinException(ErrorCode.INTERNAL, "benchmark pipeline refused: " + submitted.body());
        }
        JsonNode view = awaitProgress(client, name, (long) (rows * KILL_AT));
        String workerId = workerOf(view, target);
        WorkerProcess victim = cluster.workers().stream()
                .filter(worker -> worker.id().equals(workerId) && worker.isAlive())
                .findFirst()
                .orElseThrow(() -> new SkeinException(ErrorCode.INTERNAL, "no live process for worker " + workerId));
        long killedAt = System.currentTimeMillis();
        victim.kill();
        victim.awaitExit(java.time.Duration.ofSeconds(10));
        progress.println("  killed " + workerId + " (pid " + victim.pid() + ") running '" + target + "'");
        JsonNode end = new PipelineWatcher(client, progress).await(name);
        JsonNode attempts = end.path("attempts");
        boolean succeeded = "SUCCEEDED".equals(end.path("state").asText());
        boolean resultOk = succeeded && attempts.size() >= 2
                && ResultComparison.same(expected, W1Benchmark.resultOf(end))
                && end.path("sourceRows").asLong() == rows;
        long detected = attempts.size() >= 2 ? attempts.get(0).path("endedAtMillis").asLong() - killedAt : -1;
        long running = attempts.size() >= 2 ? attempts.get(1).path("runningAtMillis").asLong() - killedAt : -1;
        if (!resultOk) {
            progress.println("  run " + name + " " + end.path("state").asText() + " after " + attempts.size()
                    + " attempt(s): " + end.path("failure").asText());
        }
        long killedAfter = killedAt - end.path("submittedAtMillis").asLong();
        return new RecoveryReport.Kill(target, workerId, W1Benchmark.seconds(end), killedAfter, attempts.size(),
                detected, running, attempts.size() >= 2 ? attempts.get(0).path("cause").asText() : "", resultOk);
    }

    private static JsonNode submitAndAwait(CoordinatorClient client, Path dir, String name, long rows,
            Placement placement, PrintStream progress) throws Exception {
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, W1Workload.yaml(name, Math.max(1, rows), placement));
        return W1Benchmark.runOnce(client, file, SpecParser.parse(file), progress);
    }

    /** Polls the pipeline until its source emitted {@code rows} rows; fails if it ends first. */
    private static JsonNode awaitProgress(CoordinatorClient client, String name, long rows) throws Exception {
        while (true) {
            CoordinatorClient.ApiResponse response = client.get(name);
            if (!response.ok()) {
                throw new SkeinException(ErrorCode.EXTERNAL, "cannot follow '" + name + "': " + response.body());
            }
            JsonNode view = response.body();
            String state = view.path("state").asText();
            if (!state.equals("RUNNING")) {
                throw new SkeinException(ErrorCode.INTERNAL, "'" + name + "' was " + state
                        + " before it could be killed part-way; use more --rows");
            }
            if (view.path("sourceRows").asLong() >= rows) {
                return view;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    /** The worker that runs the first task of {@code stage}, from the pipeline's view. */
    private static String workerOf(JsonNode view, String stage) {
        for (JsonNode stageView : view.path("stages")) {
            if (stageView.path("name").asText().equals(stage) && stageView.path("workers").size() > 0) {
                return stageView.path("workers").get(0).asText();
            }
        }
        throw new SkeinException(ErrorCode.INTERNAL, "no worker runs stage '" + stage + "': " + view.path("stages"));
    }
}
