package dev.skein.cli;

import dev.skein.cli.local.EmbeddedZooKeeper;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true, name = "zookeeper", description = "Run an embedded ZooKeeper server (for clusters without one).")
final class ZooKeeperCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "2181", description = "client port (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "bind address (default ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--data-dir", defaultValue = "zookeeper-data", description = "data directory (default ${DEFAULT-VALUE})")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(bind, port, dataDir);
        System.err.println("ZooKeeper serving on " + bind + ":" + zookeeper.port() + " (data in " + dataDir + ")");
        return UntilShutdown.await(zookeeper);
    }
}
