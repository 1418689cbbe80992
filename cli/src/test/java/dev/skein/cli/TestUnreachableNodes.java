package dev.skein.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A command whose node is down says what it tried to reach and why, whichever address form it was given. */
class TestUnreachableNodes {
    private int closedPort;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void findAClosedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
    }

    private int skein(String... args) {
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void tapNamesTheCoordinatorsFlightAddressAndTheRefusal() {
        assertThat(skein("tap", "w1/enrich", "--coordinator-flight", "127.0.0.1:" + closedPort)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: cannot reach the coordinator's Flight endpoint at 127.0.0.1:"
                + closedPort + ": connection refused (is it running, and on that port?)" + System.lineSeparator());
    }

    @Test
    void statusTakesHostPortOrAUrlAndNamesTheRefusal() {
        String expected = "error: cannot reach the coordinator at http://127.0.0.1:" + closedPort
                + ": connection refused (is it running, and on that port?)" + System.lineSeparator();

        assertThat(skein("status", "--coordinator", "127.0.0.1:" + closedPort)).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(expected);
        err.getBuffer().setLength(0);
        assertThat(skein("status", "--coordinator", "http://127.0.0.1:" + closedPort + "/")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo(expected);
    }

    @Test
    void aMalformedAddressSaysWhatWasExpected() {
        assertThat(skein("cancel", "w1", "--coordinator", "coordinator")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("error: --coordinator 'coordinator' is not an address: expected"
                + " HOST:PORT or a URL such as http://HOST:PORT" + System.lineSeparator());
    }
}
