package dev.skein.cli.local;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/** ZooKeeper's own embedded server, for local mode and for people without a ZooKeeper. */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private final ZooKeeperServerEmbedded server;
    private final int port;
    private boolean closed;

    private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, int port) {
        this.server = server;
        this.port = port;
    }

    /** @param port 0 picks a free port */
    public static EmbeddedZooKeeper start(String bindHost, int port, Path dataDir) {
        try {
            int clientPort = port == 0 ? freePort() : port;
            Files.createDirectories(dataDir);
            Properties properties = new Properties();
            properties.setProperty("clientPort", Integer.toString(clientPort));
            properties.setProperty("clientPortAddress", bindHost);
            properties.setProperty("dataDir", dataDir.toAbsolutePath().toString());
            properties.setProperty("tickTime", "500");
            properties.setProperty("admin.enableServer", "false");
            properties.setProperty("4lw.commands.whitelist", "ruok,stat");
            ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder()
                    .baseDir(dataDir.toAbsolutePath())
                    .configuration(properties)
                    .exitHandler(ExitHandler.LOG_ONLY)
                    .build();
            server.start();
            return new EmbeddedZooKeeper(server, clientPort);
        } catch (Exception e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot start embedded ZooKeeper on port " + port + ": "
                    + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public String connectString() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            server.close();
        }
    }
}
