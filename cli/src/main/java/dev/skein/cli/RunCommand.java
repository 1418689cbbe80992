package dev.skein.cli;

import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", description = "Run a pipeline file on a local cluster (embedded ZooKeeper, coordinator, worker processes).")
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "pipeline YAML")
    Path file;

    @Option(names = "--workers", defaultValue = "3", description = "worker processes (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--worker-heap", defaultValue = "1g", description = "heap of each worker JVM (default ${DEFAULT-VALUE})")
    String workerHeap;

    @Option(names = "--duckdb-threads", defaultValue = "1", description = "DuckDB threads per worker (default ${DEFAULT-VALUE})")
    int duckdbThreads;

    @Option(names = "--plugins", paramLabel = "DIR", description = "directory of Java transform jars, for the coordinator and every worker")
    Path plugins;

    @Override
    public Integer call() throws Exception {
        return runLocally(file, workers, workerHeap, duckdbThreads, Optional.ofNullable(plugins));
    }

    static int runLocally(Path file, int workers, String workerHeap, int duckdbThreads, Optional<Path> plugins)
            throws Exception {
        if (!Files.isRegularFile(file)) {
            System.err.println(file + ": error: no such file");
            return Main.EXIT_USAGE;
        }
        if (workers < 1) {
            System.err.println("error: --workers must be at least 1");
            return Main.EXIT_USAGE;
        }
        if (plugins.isPresent() && !Files.isDirectory(plugins.get())) {
            System.err.println("error: plugins directory '" + plugins.get() + "' does not exist");
            return Main.EXIT_USAGE;
        }
        System.err.println("starting a local cluster: embedded ZooKeeper, a coordinator and " + workers + " worker processes");
        try (LocalCluster cluster = LocalCluster.start(workers, workerHeap, duckdbThreads, plugins)) {
            System.err.println("cluster up (coordinator " + cluster.coordinatorUrl() + ", logs in " + cluster.workDir() + ")");
            return PipelineFiles.submit(new CoordinatorClient(cluster.coordinatorUrl()), file, true, System.out, System.err);
        }
    }
}
