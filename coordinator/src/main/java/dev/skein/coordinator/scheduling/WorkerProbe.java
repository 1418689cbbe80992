package dev.skein.coordinator.scheduling;

import dev.skein.cluster.WorkerInfo;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;

/**
 * Whether a worker's Flight port accepts connections. A worker killed with -9 stays registered
 * until its ZooKeeper session times out (seconds); its port refuses at once, so a restart does not
 * place work on it meanwhile. A paused process still accepts (the kernel does), and is found by
 * its session instead. The supervisor also asks, every second, whether a running pipeline's workers
 * {@linkplain #refuses refuse}: a task that receives nothing until its input ends (a pre-aggregated
 * final stage) breaks no stream when its worker dies, and would otherwise wait for the session.
 */
final class WorkerProbe {
    private static final int CONNECT_TIMEOUT_MILLIS = 500;

    private WorkerProbe() {}

    static boolean reachable(String host, int port) {
        return connect(host, port).isEmpty();
    }

    /**
     * Whether the port refuses the connection outright: nothing listens there any more, its
     * process is gone. A timeout or any other failure proves nothing and answers false.
     */
    static boolean refuses(String host, int port) {
        return connect(host, port).filter(ConnectException.class::isInstance).isPresent();
    }

    /** Connects and closes at once: empty if the port accepted, else why not. */
    private static Optional<IOException> connect(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(e);
        }
    }

    static boolean reachable(WorkerInfo worker) {
        return reachable(worker.host(), worker.flightPort());
    }
}
