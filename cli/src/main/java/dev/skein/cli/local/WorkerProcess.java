package dev.skein.cli.local;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worker in its own JVM, started from this process's classpath, logging to a file. Closing it
 * ends the process (politely first, then forcibly).
 */
public final class WorkerProcess implements AutoCloseable {
    /** The flag Arrow needs on JDK 17; every launcher carries it. */
    public static final String ADD_OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED";

    private final String id;
    private final Process process;
    private final Path log;

    private WorkerProcess(String id, Process process, Path log) {
        this.id = id;
        this.process = process;
        this.log = log;
    }

    /**
     * @param heap the worker JVM's {@code -Xmx}, e.g. {@code 1g}
     * @param workerArgs arguments after {@code skein worker}
     */
    public static WorkerProcess start(String id, Path logDir, String heap, List<String> workerArgs) {
        Path log = logDir.resolve(id + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(ADD_OPENS);
        command.add("-Xmx" + heap);
        command.add("-XX:MaxDirectMemorySize=" + heap);
        command.add("-XX:+UseParallelGC");
        // C1 only: a worker's heavy lifting is DuckDB's native code and memory copies; C2 spent more
        // CPU compiling than the task threads spent working (bench w1: 0.71 against 0.88 CPU-s per
        // million rows), and with C1 alone the task threads cost the same and JIT 0.03.
        command.add("-XX:TieredStopAtLevel=1");
        String extra = System.getenv("SKEIN_WORKER_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.skein.cli.Main");
        command.add("worker");
        command.add("--id");
        command.add(id);
        command.addAll(workerArgs);
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            return new WorkerProcess(id, process, log);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot start worker process '" + id + "': " + e.getMessage(), e);
        }
    }

    public String id() {
        return id;
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Asks the process to stop (SIGTERM), without waiting. */
    public void terminate() {
        process.destroy();
    }

    /** Waits up to {@code timeout} for the process to end; true if it has. */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Kills the process at once (for failure tests). */
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
