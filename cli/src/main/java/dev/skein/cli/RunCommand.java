package dev.skein.cli;

import dev.skein.cli.local.LocalCluster;
import dev.skein.spec.Placement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "run", description = "Run a pipeline file on a local cluster (embedded ZooKeeper, coordinator, worker processes).")
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "pipeline YAML")
    Path file;

    @Mixin
    LocalClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        return runLocally(file, cluster);
    }

    static int runLocally(Path file, LocalClusterOptions options) throws Exception {
        int workers = options.workers;
        Optional<Path> plugins = options.pluginsDirectory();
        if (!Files.isRegularFile(file)) {
            System.err.println(file + ": error: no such file");
            return Main.EXIT_USAGE;
        }
        if (workers < 1) {
            System.err.println("error: --workers must be at least 1");
            return Main.EXIT_USAGE;
        }
        Optional<Placement> placement;
        try {
            placement = options.placement();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return Main.EXIT_USAGE;
        }
        if (plugins.isPresent() && !Files.isDirectory(plugins.get())) {
            System.err.println("error: plugins directory '" + plugins.get() + "' does not exist");
            return Main.EXIT_USAGE;
        }
        System.err.println("starting a local cluster: embedded ZooKeeper, a coordinator and " + workers + " worker processes");
        try (LocalCluster cluster = LocalCluster.start(workers, options.workerHeap, options.duckdbThreads, plugins, options.auth,
                options.dataRoots(file))) {
            System.err.println("cluster up (coordinator " + cluster.coordinatorUrl() + ", logs in " + cluster.workDir()
                    + ", data directories " + cluster.dataRoots().describe() + ")");
            cluster.login().ifPresent(login -> System.err.println("authentication on: user '" + login.user()
                    + "', password '" + login.password() + "' (for skein tap/status while it runs)"));
            return PipelineFiles.submit(cluster.coordinatorClient(), file, placement, true, System.out, System.err);
        }
    }
}
