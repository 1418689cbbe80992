package dev.skein.tests.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test fixture: memory sizes as the JVM, Docker, Kubernetes and DuckDB write them, in bytes, and
 * the rule every deployment must keep: what the JVM and DuckDB may take, plus the rest of the
 * process, fits the container's limit.
 */
final class TestingMemory {
    static final long MIB = 1024L * 1024;
    /** Metaspace, code cache, thread stacks, gRPC, malloc arenas: what no flag bounds. */
    static final long WORKER_OVERHEAD = 512 * MIB;

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");

    private TestingMemory() {}

    /**
     * Bytes of {@code 512m}, {@code 1g} (JVM, Docker), {@code 4Gi}, {@code 4G} (Kubernetes),
     * {@code 1GB} (DuckDB). Decimal units count as binary ones: that overestimates, never hides.
     */
    static long bytes(String size) {
        Matcher matcher = SIZE.matcher(size.strip());
        assertThat(matcher.matches()).as("'%s' is a memory size", size).isTrue();
        long number = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2).toLowerCase(Locale.ROOT);
        long factor =
                switch (unit) {
                    case "", "b" -> 1;
                    case "k", "kb", "ki", "kib" -> 1024;
                    case "m", "mb", "mi", "mib" -> MIB;
                    case "g", "gb", "gi", "gib" -> 1024 * MIB;
                    default -> throw new AssertionError("unknown unit in memory size '" + size + "'");
                };
        return number * factor;
    }

    /** The size a JVM flag such as {@code -Xmx} or {@code -XX:MaxDirectMemorySize=} sets. */
    static long jvmFlag(String javaOptions, String flag) {
        List<String> matching = List.of(javaOptions.strip().split("\\s+")).stream()
                .filter(option -> option.startsWith(flag))
                .toList();
        assertThat(matching).as("%s in JAVA_OPTS '%s'", flag, javaOptions).hasSize(1);
        return bytes(matching.get(0).substring(flag.length()));
    }

    /** Asserts heap + direct memory + DuckDB + overhead fit {@code limit}. */
    static void assertFits(String where, String javaOptions, String duckdbMemory, long overhead, String limit) {
        long heap = jvmFlag(javaOptions, "-Xmx");
        long direct = jvmFlag(javaOptions, "-XX:MaxDirectMemorySize=");
        long duckdb = duckdbMemory.isEmpty() ? 0 : bytes(duckdbMemory);
        assertThat(heap + direct + duckdb + overhead)
                .as(
                        "%s: heap %d MiB + direct %d MiB + DuckDB %d MiB + overhead %d MiB within the limit %s",
                        where, heap / MIB, direct / MIB, duckdb / MIB, overhead / MIB, limit)
                .isLessThanOrEqualTo(bytes(limit));
    }
}
