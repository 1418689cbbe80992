package dev.skein.tests.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test fixture: runs a container's shell command with the real {@code /bin/sh}, but with stand-ins
 * on the PATH: {@code skein} records its arguments instead of starting a JVM, {@code hostname}
 * answers like a container's. So quoting, variables and command substitution are exactly what the
 * container would do, and the arguments the CLI would get can be checked by the CLI's parser.
 */
final class TestingShell {
    /** What {@code hostname -i} prints in the stand-in container: IPv4 first, then IPv6. */
    static final String CONTAINER_ADDRESSES = "172.18.0.5 fd00::5";

    private TestingShell() {}

    /**
     * Runs {@code argv} (e.g. {@code /bin/sh -c SCRIPT}) with {@code environment} and returns the
     * arguments of every {@code skein} invocation it made.
     */
    static List<List<String>> skeinInvocations(List<String> argv, Map<String, String> environment, Path dir) {
        try {
            Path bin = Files.createDirectories(dir.resolve("bin"));
            Path calls = Files.createDirectories(dir.resolve("calls"));
            executable(
                    bin.resolve("skein"),
                    """
                    #!/bin/sh
                    call=$(mktemp "$SKEIN_CALLS/call.XXXXXX")
                    for argument in "$@"; do printf '%s\\0' "$argument"; done > "$call"
                    """);
            executable(
                    bin.resolve("hostname"),
                    """
                    #!/bin/sh
                    if [ "${1:-}" = -i ]; then echo '%s'; else echo "$HOSTNAME"; fi
                    """
                            .formatted(CONTAINER_ADDRESSES));
            ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
            builder.environment().putAll(environment);
            builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            builder.environment().put("SKEIN_CALLS", calls.toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("%s finished", argv)
                    .isTrue();
            assertThat(process.exitValue())
                    .as("exit of %s, output: %s", argv, output)
                    .isZero();
            List<List<String>> invocations = new ArrayList<>();
            try (Stream<Path> files = Files.list(calls)) {
                for (Path call : files.sorted().toList()) {
                    // Every argument ends with a NUL: the last split part is the empty rest.
                    String[] parts =
                            Files.readString(call, StandardCharsets.UTF_8).split("\0", -1);
                    invocations.add(List.of(Arrays.copyOf(parts, parts.length - 1)));
                    Files.delete(call);
                }
            }
            return invocations;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + argv, e);
        }
    }

    /** Like {@link #skeinInvocations} for a command that must call skein exactly once. */
    static List<String> skeinInvocation(List<String> argv, Map<String, String> environment, Path dir) {
        List<List<String>> invocations = skeinInvocations(argv, environment, dir);
        assertThat(invocations).as("skein invocations of %s", argv).hasSize(1);
        return invocations.get(0);
    }

    private static void executable(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
