package dev.skein.cli;

import dev.skein.cluster.ZkClusterConfig;
import dev.skein.cluster.auth.AuthConfig;
import dev.skein.spec.DataRoots;
import dev.skein.worker.WorkerConfig;
import dev.skein.worker.WorkerNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(mixinStandardHelpOptions = true, name = "worker", description = "Run a worker (Flight server with an in-process DuckDB).")
final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--zookeeper", required = true, description = "ZooKeeper connect string, host:port[,host:port]")
    String zookeeper;

    @Mixin
    AuthOptions auth;

    @Option(names = "--session-timeout", defaultValue = "PT6S", description = "ZooKeeper session timeout, ISO-8601:"
            + " how long a silent worker stays a member before its pipelines restart elsewhere (default ${DEFAULT-VALUE})")
    Duration sessionTimeout;

    @Option(names = "--port", defaultValue = "8815", description = "Flight port, 0 for any free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--metrics-port", defaultValue = "0",
            description = "port of the Prometheus /metrics endpoint, 0 for any free one (default ${DEFAULT-VALUE});"
                    + " the bound address is published to the coordinator")
    int metricsPort;

    @Option(names = "--bind", defaultValue = "0.0.0.0", description = "bind address (default ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--advertise-host", description = "host other nodes connect to (default: this host's name)")
    String advertiseHost;

    @Option(names = "--id", description = "worker id, unique among live workers (default: HOST-PORT, the advertised host and the bound port)")
    String id;

    @Option(names = "--duckdb-threads", defaultValue = "1", description = "DuckDB threads (default ${DEFAULT-VALUE})")
    int duckdbThreads;

    @Option(names = "--duckdb-memory", defaultValue = "1GB", description = "DuckDB memory limit (default ${DEFAULT-VALUE})")
    String duckdbMemory;

    @Option(names = "--database", description = "DuckDB file for the worker's tables (default: in memory)")
    Path database;

    @Option(names = "--allow-sql", description = "let plain Flight clients run read-only SQL over the worker's tables"
            + " (GetFlightInfo with the SQL as command); Flight SQL clients may always query them")
    boolean allowSql;

    @Option(names = "--allow-sql-writes", description = "let Flight SQL clients (JDBC, ADBC) change the worker's tables:"
            + " INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, TRUNCATE")
    boolean allowSqlWrites;

    @Option(names = "--plugins", paramLabel = "DIR", description = "directory of jars with Java transforms, each jar loaded in its own class loader")
    Path plugins;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "a directory pipelines may read and write files in"
            + " (repeatable; give the coordinator's); without one, pipelines touch no file")
    List<Path> dataDirectories = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        AuthConfig authConfig = auth.config();
        String host = advertiseHost != null ? advertiseHost : InetAddress.getLocalHost().getHostName();
        int flightPort = port;
        if (port == 0 && id == null) {
            // The id is the worker's name in the cluster before its server binds, so pick the port
            // first: two `--port 0` workers on one host then get two ids (host-port), never one.
            flightPort = freePort(bind);
        }
        String workerId = id != null ? id : host + "-" + flightPort;
        WorkerNode node = WorkerNode.start(new WorkerConfig(
                workerId, bind, flightPort, host, ZkClusterConfig.of(zookeeper).withSessionTimeout(sessionTimeout), duckdbThreads, duckdbMemory,
                Optional.ofNullable(database), allowSql, Optional.ofNullable(plugins), DataRoots.of(dataDirectories),
                allowSqlWrites, metricsPort),
                authConfig);
        System.err.println("worker '" + workerId + "' serving Flight on " + bind + ":" + node.port()
                + ", metrics on http://" + host + ":" + node.metricsPort() + "/metrics");
        return UntilShutdown.await(node);
    }

    /** A port free on {@code bind} now; the Flight server binds it right after (a rare race loses with "in use"). */
    static int freePort(String bind) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(bind), 0));
            return socket.getLocalPort();
        }
    }
}
