package dev.skein.coordinator;

import static java.util.Objects.requireNonNull;

import dev.skein.cluster.ZkClusterConfig;
import dev.skein.coordinator.scheduling.Retention;
import dev.skein.spec.DataRoots;
import dev.skein.spec.SpecLimits;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a coordinator runs.
 *
 * @param id participant id in the leader election
 * @param bindHost the address the HTTP API listens on
 * @param httpPort the REST port; 0 picks a free one
 * @param flightPort the Flight port for taps; 0 picks a free one
 * @param zookeeper how to reach the cluster state
 * @param pluginsDirectory jars of Java transforms, to check the Java stages of submitted pipelines
 *     (give the workers' plugins directory); classes on the class path are found without one
 * @param dataRoots the directories pipelines' files must lie in ({@code --data-dir}, the same as
 *     the workers'); relative paths resolve against the first, or against the submitter's
 *     directory when that lies inside one; none refuses every file source and sink
 * @param specLimits how large a submitted pipeline may be (parallelism, stages, bytes)
 * @param retention how many finished pipelines are kept, and for how long
 * @param advertisedHost the host other coordinators reach this one's REST API at (forwarding to the
 *     leader); empty: the bind address, or the host name if that is a wildcard
 */
public record CoordinatorConfig(
        String id,
        String bindHost,
        int httpPort,
        int flightPort,
        ZkClusterConfig zookeeper,
        Optional<Path> pluginsDirectory,
        DataRoots dataRoots,
        SpecLimits specLimits,
        Retention retention,
        Optional<String> advertisedHost) {
    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_FLIGHT_PORT = 8816;

    /** A coordinator that finds Java transforms on its class path only. */
    public CoordinatorConfig(String id, String bindHost, int httpPort, int flightPort, ZkClusterConfig zookeeper) {
        this(id, bindHost, httpPort, flightPort, zookeeper, Optional.empty(), DataRoots.none(), SpecLimits.DEFAULT,
                Retention.DEFAULT, Optional.empty());
    }

    /** A coordinator without data roots: it refuses every pipeline that reads or writes files. */
    public CoordinatorConfig(
            String id, String bindHost, int httpPort, int flightPort, ZkClusterConfig zookeeper,
            Optional<Path> pluginsDirectory) {
        this(id, bindHost, httpPort, flightPort, zookeeper, pluginsDirectory, DataRoots.none(), SpecLimits.DEFAULT,
                Retention.DEFAULT, Optional.empty());
    }

    /** A coordinator with the default limits and retention. */
    public CoordinatorConfig(
            String id, String bindHost, int httpPort, int flightPort, ZkClusterConfig zookeeper,
            Optional<Path> pluginsDirectory, DataRoots dataRoots) {
        this(id, bindHost, httpPort, flightPort, zookeeper, pluginsDirectory, dataRoots, SpecLimits.DEFAULT,
                Retention.DEFAULT, Optional.empty());
    }

    public CoordinatorConfig {
        requireNonNull(id, "id is null");
        requireNonNull(bindHost, "bindHost is null");
        requireNonNull(zookeeper, "zookeeper is null");
        requireNonNull(pluginsDirectory, "pluginsDirectory is null");
        requireNonNull(dataRoots, "dataRoots is null");
        requireNonNull(specLimits, "specLimits is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(advertisedHost, "advertisedHost is null");
    }

    /** The host in the addresses this coordinator publishes when it leads. */
    public String advertiseHost() {
        if (advertisedHost.isPresent()) {
            return advertisedHost.get();
        }
        if (!bindHost.equals("0.0.0.0") && !bindHost.equals("::")) {
            return bindHost;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
