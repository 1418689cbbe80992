package dev.skein.cluster;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How to reach ZooKeeper.
 *
 * @param connectString {@code host:port[,host:port...]}
 * @param sessionTimeout how long a silent node stays a member; short, so lost workers are noticed
 * @param namespace the root znode all of Skein's state lives under
 */
public record ZkClusterConfig(String connectString, Duration sessionTimeout, String namespace) {
    /** Curator's default is 60 s, far too slow to notice a lost worker. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(6);

    public static final String DEFAULT_NAMESPACE = "skein";

    public ZkClusterConfig {
        requireNonNull(connectString, "connectString is null");
        requireNonNull(sessionTimeout, "sessionTimeout is null");
        requireNonNull(namespace, "namespace is null");
    }

    public static ZkClusterConfig of(String connectString) {
        return new ZkClusterConfig(connectString, DEFAULT_SESSION_TIMEOUT, DEFAULT_NAMESPACE);
    }

    public ZkClusterConfig withSessionTimeout(Duration timeout) {
        return new ZkClusterConfig(connectString, timeout, namespace);
    }
}
