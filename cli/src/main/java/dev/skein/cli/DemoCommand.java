package dev.skein.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true, name = "demo", description = "Run examples/pipelines/w1.yaml (20M rows) on a local cluster of 3 worker processes.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    LocalClusterOptions cluster;

    @Option(names = "--file", description = "pipeline to run (default: examples/pipelines/w1.yaml in the Skein home)")
    Path file;

    @Override
    public Integer call() throws Exception {
        Path pipeline = file != null
                ? file
                : Path.of(System.getProperty("skein.home", "."), "examples", "pipelines", "w1.yaml");
        return RunCommand.runLocally(pipeline, cluster);
    }
}
