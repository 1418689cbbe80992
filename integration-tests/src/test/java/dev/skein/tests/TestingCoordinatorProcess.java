package dev.skein.tests;

import static org.awaitility.Awaitility.await;

import dev.skein.cli.client.CoordinatorClient;
import dev.skein.cli.local.WorkerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code skein coordinator} in its own JVM on loopback (ports from 0, read from its log), with a
 * short ZooKeeper session, that a test can kill or pause.
 */
final class TestingCoordinatorProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving http://127\\.0\\.0\\.1:(\\d+) and Flight on port (\\d+)");

    private final String id;
    private final Process process;
    private final Path log;
    private volatile String restUrl;
    private volatile String flightAddress;

    private TestingCoordinatorProcess(String id, Process process, Path log) {
        this.id = id;
        this.process = process;
        this.log = log;
    }

    /** Starts the process; see {@link #awaitServing()}. */
    static TestingCoordinatorProcess start(String id, Path dir, String zookeeper, Duration sessionTimeout)
            throws IOException {
        Path log = dir.resolve(id + ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                WorkerProcess.ADD_OPENS, "-Xmx192m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "dev.skein.cli.Main", "coordinator",
                "--id", id, "--zookeeper", zookeeper, "--bind", "127.0.0.1", "--http-port", "0", "--flight-port", "0",
                "--session-timeout", sessionTimeout.toString(), "--data-dir", dir.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new TestingCoordinatorProcess(id, process, log);
    }

    /** Waits until the coordinator serves (its ports are in its log). */
    TestingCoordinatorProcess awaitServing() throws IOException {
        String[] url = new String[2];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
            Matcher serving = SERVING.matcher(Files.readString(log));
            if (serving.find()) {
                url[0] = "http://127.0.0.1:" + serving.group(1);
                url[1] = "127.0.0.1:" + serving.group(2);
            }
            return url[0] != null || !process.isAlive();
        });
        if (url[0] == null) {
            throw new IllegalStateException("coordinator '" + id + "' exited: " + Files.readString(log));
        }
        restUrl = url[0];
        flightAddress = url[1];
        return this;
    }

    String id() {
        return id;
    }

    String restUrl() {
        return restUrl;
    }

    /** {@code host:port} of its Flight service (taps, ingest endpoints). */
    String flightAddress() {
        return flightAddress;
    }

    Path log() {
        return log;
    }

    CoordinatorClient client() {
        return new CoordinatorClient(restUrl);
    }

    /** What this coordinator says of itself: true while it leads. */
    boolean leading() {
        return client().leader().body().path("leading").asBoolean();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stands still, its ZooKeeper session runs out. */
    void pause() throws Exception {
        signal("STOP");
    }

    /** SIGCONT. */
    void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            resume();
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
