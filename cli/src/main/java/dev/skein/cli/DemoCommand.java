package dev.skein.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Run examples/pipelines/w1.yaml (20M rows) on a local cluster of 3 worker processes.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--workers", defaultValue = "3", description = "worker processes (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--file", description = "pipeline to run (default: examples/pipelines/w1.yaml in the Skein home)")
    Path file;

    @Option(names = "--plugins", paramLabel = "DIR", description = "directory of Java transform jars, for the coordinator and every worker")
    Path plugins;

    @Option(names = "--auth", description = "authenticate every call, with a random cluster secret and a user"
            + " the local cluster makes for itself (printed)")
    boolean auth;

    @Override
    public Integer call() throws Exception {
        Path pipeline = file != null
                ? file
                : Path.of(System.getProperty("skein.home", "."), "examples", "pipelines", "w1.yaml");
        return RunCommand.runLocally(pipeline, workers, "1g", 1, Optional.ofNullable(plugins), auth);
    }
}
