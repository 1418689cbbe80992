package dev.skein.cli;

import dev.skein.cli.bench.W1Benchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "bench", description = "Run a workload on a local cluster and, in the same run, its in-process DuckDB baselines.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "WORKLOAD", description = "workload name; only 'w1' for now")
    String workload;

    @Option(names = "--rows", defaultValue = "20000000", description = "source rows (default ${DEFAULT-VALUE})")
    long rows;

    @Option(names = "--workers", defaultValue = "3", description = "worker processes (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--json", description = "print one JSON object instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!workload.equals("w1")) {
            System.err.println("error: unknown workload '" + workload + "'; known: w1");
            return Main.EXIT_USAGE;
        }
        W1Benchmark.Report report = W1Benchmark.run(rows, workers, System.err);
        System.out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
        return report.resultOk() && report.passStage().resultOk() ? Main.EXIT_OK : Main.EXIT_FAILED;
    }
}
