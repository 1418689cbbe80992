package dev.skein.cli;

import dev.skein.cluster.ZkClusterConfig;
import dev.skein.cluster.auth.AuthConfig;
import dev.skein.coordinator.CoordinatorConfig;
import dev.skein.coordinator.CoordinatorNode;
import dev.skein.coordinator.scheduling.Retention;
import dev.skein.spec.DataRoots;
import dev.skein.spec.SpecLimits;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true, name = "coordinator", description = "Run a coordinator (REST API, planning, supervision); run several for high availability: one leads, the others stand by and forward.")
final class CoordinatorCommand implements Callable<Integer> {
    @Option(names = "--zookeeper", required = true, description = "ZooKeeper connect string, host:port[,host:port]")
    String zookeeper;

    @Mixin
    AuthOptions auth;

    @Option(names = "--http-port", defaultValue = "8080", description = "REST port (default ${DEFAULT-VALUE})")
    int httpPort;

    @Option(names = "--flight-port", defaultValue = "8816", description = "Flight port for taps (default ${DEFAULT-VALUE})")
    int flightPort;

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "bind address (default ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--id", description = "participant id in the leader election, unique among coordinators (default: host name)")
    String id;

    @Option(names = "--advertise-host", description = "the host other coordinators reach this one at, to forward calls"
            + " to the leader (default: --bind, or the host name if that is 0.0.0.0)")
    String advertiseHost;

    @Option(names = "--session-timeout", defaultValue = "PT6S", description = "ZooKeeper session timeout, ISO-8601:"
            + " how long a silent leader keeps leading before a standby takes over (default ${DEFAULT-VALUE})")
    Duration sessionTimeout;

    @Option(names = "--plugins", paramLabel = "DIR", description = "the workers' directory of Java transform jars, to check Java stages on submit")
    Path plugins;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "a directory pipelines may read and write files in"
            + " (repeatable; give the workers' the same); relative paths resolve against the first; without one,"
            + " pipelines with file sources or sinks are refused")
    List<Path> dataDirectories = new ArrayList<>();

    @Option(names = "--max-parallelism", defaultValue = "256", description = "most tasks of one stage (default ${DEFAULT-VALUE})")
    int maxParallelism;

    @Option(names = "--max-stages", defaultValue = "64", description = "most stages of one pipeline (default ${DEFAULT-VALUE})")
    int maxStages;

    @Option(names = "--keep-finished", defaultValue = "100", description = "finished pipelines kept in ZooKeeper, newest first (default ${DEFAULT-VALUE})")
    int keepFinished;

    @Option(names = "--keep-finished-for", defaultValue = "PT1H", description = "how long a finished pipeline is kept, ISO-8601 (default ${DEFAULT-VALUE})")
    Duration keepFinishedFor;

    @Override
    public Integer call() throws Exception {
        AuthConfig authConfig = auth.config();
        String participant = id != null ? id : InetAddress.getLocalHost().getHostName();
        CoordinatorNode node = CoordinatorNode.start(
                new CoordinatorConfig(participant, bind, httpPort, flightPort, ZkClusterConfig.of(zookeeper).withSessionTimeout(sessionTimeout),
                        Optional.ofNullable(plugins), DataRoots.of(dataDirectories),
                        SpecLimits.DEFAULT.withMaxParallelism(maxParallelism).withMaxStages(maxStages),
                        new Retention(keepFinished, keepFinishedFor), Optional.ofNullable(advertiseHost)),
                authConfig);
        // Tests and scripts read the ports from this line.
        System.err.println("coordinator '" + participant + "' serving http://" + bind + ":" + node.httpPort()
                + " and Flight on port " + node.flightPort() + "; it leads or stands by until the leader goes");
        return UntilShutdown.await(node);
    }
}
