package dev.skein.cli.bench;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time (user + system) consumed so far by processes: this JVM, and other processes by pid
 * from {@code /proc/<pid>/stat} (Linux). A difference of two readings is the CPU a run cost.
 */
final class ProcessCpu {
    /** {@code utime} and {@code stime} are in clock ticks; {@code getconf CLK_TCK} is 100 on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;
    private static final List<String> KINDS = List.of("task", "transport", "jit", "gc", "other");

    private ProcessCpu() {}

    /** This JVM's CPU time in nanoseconds (its coordinator and ZooKeeper included, when embedded). */
    static long self() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** This JVM and the processes {@code pids}, summed, in nanoseconds. */
    static long selfAnd(List<Long> pids) {
        return self() + of(pids);
    }

    /** The processes {@code pids}, summed, in nanoseconds. */
    static long of(List<Long> pids) {
        long nanos = 0;
        for (long pid : pids) {
            nanos += of(pid);
        }
        return nanos;
    }

    /** The CPU time of process {@code pid} in nanoseconds, at the clock tick's resolution (10 ms). */
    static long of(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        String text;
        try {
            text = Files.readString(stat);
        } catch (IOException e) {
            throw new SkeinException(ErrorCode.EXTERNAL, "cannot read the CPU time of process " + pid + " from "
                    + stat + ": " + e.getMessage(), e);
        }
        return fromStat(text);
    }

    /**
     * The CPU time of every live thread of the processes {@code pids}, in nanoseconds, keyed by
     * process and thread id, each with its kind ({@link #kindOf}). Threads that ended are gone
     * from {@code /proc}; {@link #byKind} counts what they spent between two readings as "ended".
     */
    static Map<String, ThreadCpu> threadsOf(List<Long> pids) {
        Map<String, ThreadCpu> threads = new HashMap<>();
        for (long pid : pids) {
            Path tasks = Path.of("/proc", Long.toString(pid), "task");
            try (DirectoryStream<Path> tids = Files.newDirectoryStream(tasks)) {
                for (Path tid : tids) {
                    try {
                        String stat = Files.readString(tid.resolve("stat"));
                        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        threads.put(pid + "/" + tid.getFileName(), new ThreadCpu(kindOf(name), fromStat(stat)));
                    } catch (IOException | RuntimeException e) {
                        // The thread ended while we listed them: its CPU shows as "ended".
                    }
                }
            } catch (IOException e) {
                throw new SkeinException(ErrorCode.EXTERNAL, "cannot list the threads of process " + pid + " in "
                        + tasks + ": " + e.getMessage(), e);
            }
        }
        return threads;
    }

    /** A thread's kind and CPU time so far. */
    record ThreadCpu(String kind, long nanos) {}

    /**
     * What the threads of {@code pids} spent between two readings, by kind, given the processes'
     * own totals over the same span: what no live thread accounts for was spent by threads that
     * ended meanwhile ("ended").
     */
    static Map<String, Long> byKind(Map<String, ThreadCpu> before, Map<String, ThreadCpu> after, long processNanos) {
        Map<String, Long> kinds = new LinkedHashMap<>();
        for (String kind : KINDS) {
            kinds.put(kind, 0L);
        }
        long accounted = 0;
        for (Map.Entry<String, ThreadCpu> thread : after.entrySet()) {
            ThreadCpu earlier = before.get(thread.getKey());
            long spent = thread.getValue().nanos() - (earlier == null ? 0 : earlier.nanos());
            kinds.merge(thread.getValue().kind(), spent, Long::sum);
            accounted += spent;
        }
        kinds.put("ended", Math.max(0, processNanos - accounted));
        return kinds;
    }

    /**
     * The kind of a thread by its name as Linux keeps it (15 characters): {@code task} (a stage's
     * task thread and its pre-aggregation, DuckDB's work included), {@code transport} (gRPC,
     * Netty and Flight threads: the exchange's sending and receiving), {@code jit} (HotSpot's
     * compilers), {@code gc} (the collector and the VM thread that runs its pauses), {@code other}.
     */
    static String kindOf(String threadName) {
        if (threadName.startsWith("task-")) {
            return "task";
        }
        if (threadName.startsWith("grpc-") || threadName.startsWith("flight-") || threadName.startsWith("exchange-")) {
            return "transport";
        }
        if (threadName.startsWith("C1 Compiler") || threadName.startsWith("C2 Compiler")) {
            return "jit";
        }
        if (threadName.startsWith("GC Thread") || threadName.startsWith("ParGC") || threadName.startsWith("VM Thread")
                || threadName.startsWith("G1 ")) {
            return "gc";
        }
        return "other";
    }

    /** utime + stime of a {@code /proc/<pid>/stat} line, in nanoseconds. */
    static long fromStat(String text) {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
        String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        // After the name: field 3 (state) is fields[0], so utime (14) and stime (15) are [11] and [12].
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
    }
}
