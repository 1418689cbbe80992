package dev.skein.cli.bench;

import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time (user + system) consumed so far by processes: this JVM, and other processes by pid
 * from {@code /proc/<pid>/stat} (Linux). A difference of two readings is the CPU a run cost.
 */
final class ProcessCpu {
    /** {@code utime} and {@code stime} are in clock ticks; {@code getconf CLK_TCK} is 100 on Linux. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcessCpu() {}

    /** This JVM's CPU time in nanoseconds (its coordinator and ZooKeeper included, when embedded). */
    static long self() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** This JVM and the processes {@code pids}, summed, in nanoseconds. */
    static long selfAnd(List<Long> pids) {
        long nanos = self();
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

    /** utime + stime of a {@code /proc/<pid>/stat} line, in nanoseconds. */
    static long fromStat(String text) {
        // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
        String[] fields = text.substring(text.lastIndexOf(')') + 2).trim().split(" ");
        // After the name: field 3 (state) is fields[0], so utime (14) and stime (15) are [11] and [12].
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
    }
}
