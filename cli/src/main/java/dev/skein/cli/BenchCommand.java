package dev.skein.cli;

import dev.skein.cli.bench.LatencyBenchmark;
import dev.skein.cli.bench.LatencyReport;
import dev.skein.cli.bench.RecoveryBenchmark;
import dev.skein.cli.bench.RecoveryReport;
import dev.skein.cli.bench.W1Benchmark;
import dev.skein.cli.bench.W1Report;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import dev.skein.spec.Placement;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {
            "Run a workload on a local cluster and print what it measured.",
            "w1: W1 on the cluster and, in the same run, its in-process DuckDB baselines (one query; staged with"
                    + " one streaming query per stage; staged with one query per batch, Skein's transform), with"
                    + " rows/s, MB/s and CPU-seconds per million rows of each; then W1 with a stalled tap and with"
                    + " a pass-through stage (SQL and Java). Each figure is the median of 3 warm runs.",
            "latency: one 1,000-row batch every 100 ms DoPut into an ingest source, through W1's filter and enrich;"
                    + " p50/p99/max latency from send to the last stage's tap.",
            "recovery: W1 on the workers plus one spare, plain (3 runs) and with the worker of source, of enrich and"
                    + " of totals killed (SIGKILL) at 40% of the source's rows; time to notice the loss, time until"
                    + " the restarted run is running, extra seconds, and whether each answer is exact."
        })
final class BenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "WORKLOAD", description = "w1, latency or recovery")
    String workload;

    @Option(names = "--rows", defaultValue = "20000000", description = "w1 and recovery: source rows (default ${DEFAULT-VALUE})")
    long rows;

    @Option(names = "--workers", defaultValue = "3", description = "worker processes (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--batches", defaultValue = "200",
            description = "latency: measured batches (default ${DEFAULT-VALUE})")
    int batches;

    @Option(names = "--warm-up-batches", defaultValue = "30",
            description = "latency: batches sent first and not measured, at least 1 (default ${DEFAULT-VALUE})")
    int warmUpBatches;

    @Option(names = "--placement", defaultValue = "chain",
            description = "chain (default): stages joined one-to-one share a worker; spread: every stage on other workers")
    private String placementName;

    @Option(names = "--json", description = "print one JSON object instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Placement placement;
        try {
            placement = Placement.valueOf(placementName.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            System.err.println("error: unknown placement '" + placementName + "'; known: chain, spread");
            return Main.EXIT_USAGE;
        }
        switch (workload) {
            case "w1" -> {
                W1Report report = W1Benchmark.run(rows, workers, placement, System.err);
                System.out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
                return report.resultOk() && report.passStage().resultOk() ? Main.EXIT_OK : Main.EXIT_FAILED;
            }
            case "latency" -> {
                if (batches < 1 || warmUpBatches < 1) {
                    // The tap can open only once the stage has output: warm-up batches make it.
                    System.err.println("error: --batches and --warm-up-batches must be at least 1");
                    return Main.EXIT_USAGE;
                }
                LatencyReport report = LatencyBenchmark.run(workers, batches, warmUpBatches, placement, System.err);
                System.out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
                return report.resultOk() ? Main.EXIT_OK : Main.EXIT_FAILED;
            }
            case "recovery" -> {
                RecoveryReport report = RecoveryBenchmark.run(rows, workers, placement, System.err);
                System.out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
                return report.resultOk() ? Main.EXIT_OK : Main.EXIT_FAILED;
            }
            default -> {
                System.err.println("error: unknown workload '" + workload + "'; known: w1, latency, recovery");
                return Main.EXIT_USAGE;
            }
        }
    }
}
