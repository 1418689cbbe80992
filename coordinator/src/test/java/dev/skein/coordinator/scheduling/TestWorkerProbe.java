package dev.skein.coordinator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A port nobody listens on refuses at once; a listening one (even one that never accepts) does not. */
class TestWorkerProbe {
    @Test
    void onlyAPortNobodyListensOnRefuses() throws Exception {
        int port;
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = listening.getLocalPort();
            assertThat(WorkerProbe.refuses("127.0.0.1", port)).isFalse();
            assertThat(WorkerProbe.reachable("127.0.0.1", port)).isTrue();
        }
        assertThat(WorkerProbe.refuses("127.0.0.1", port)).isTrue();
        assertThat(WorkerProbe.reachable("127.0.0.1", port)).isFalse();
    }
}
