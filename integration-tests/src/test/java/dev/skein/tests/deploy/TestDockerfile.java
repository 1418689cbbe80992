package dev.skein.tests.deploy;

import static dev.skein.tests.deploy.TestingDeployFiles.deploy;
import static dev.skein.tests.deploy.TestingDeployFiles.repository;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.tests.deploy.TestingDockerfile.Instruction;
import dev.skein.tests.deploy.TestingSkeinCommands.SkeinCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/Dockerfile and deploy/skein.sh, its launcher: what the image runs and ships. */
class TestDockerfile {
    private static final String ADD_OPENS = "--add-opens=java.base/java.nio=ALL-UNNAMED";

    private final TestingDockerfile dockerfile = TestingDockerfile.read(deploy("Dockerfile"));

    @TempDir
    Path dir;

    @Test
    void entrypointIsTheLauncherAndEveryJavaItStartsHasAddOpens() throws IOException {
        assertThat(dockerfile.lastOf("ENTRYPOINT").arguments()).isEqualTo("[\"skein\"]");
        assertThat(dockerfile.all("COPY"))
                .extracting(Instruction::arguments)
                .contains("--chmod=0755 deploy/skein.sh /usr/local/bin/skein");

        List<String> javaLines = Files.readAllLines(deploy("skein.sh")).stream()
                .filter(line -> line.strip().startsWith("exec java"))
                .toList();
        assertThat(javaLines).as("the launcher's java commands").hasSize(2).allMatch(line -> line.contains(ADD_OPENS));
        assertThat(dockerfile.all("RUN"))
                .extracting(Instruction::arguments)
                .filteredOn(run -> run.startsWith("java "))
                .allMatch(run -> run.contains(ADD_OPENS));
    }

    @Test
    void imageShipsTheThinJarWithItsLibDirectoryAsTheManifestExpects() throws IOException {
        List<String> copies =
                dockerfile.all("COPY").stream().map(Instruction::arguments).toList();
        assertThat(copies)
                .contains(
                        "--from=build /src/cli/target/lib/ /opt/skein/lib/",
                        "--from=build /src/cli/target/skein.jar /opt/skein/skein.jar",
                        "examples/pipelines/ /opt/skein/examples/pipelines/");
        assertThat(repository().resolve("examples/pipelines")).isDirectory();

        // The reactor built the cli before this module: the same files the build stage copies.
        Path jar = repository().resolve("cli/target/skein.jar");
        assertThat(jar).isRegularFile();
        try (JarFile file = new JarFile(jar.toFile())) {
            String classPath = file.getManifest().getMainAttributes().getValue("Class-Path");
            assertThat(classPath.split(" "))
                    .isNotEmpty()
                    .allSatisfy(entry -> assertThat(entry).startsWith("lib/"))
                    .allSatisfy(entry -> assertThat(jar.resolveSibling(entry)).isRegularFile());
        }
    }

    @Test
    void runsAsANumericNonRootUser() {
        String user = dockerfile.lastOf("USER").arguments();
        assertThat(user).matches("\\d+:\\d+");
        assertThat(Integer.parseInt(user.split(":")[0])).isPositive();
    }

    @Test
    void healthCheckPingsAWorkerOnItsDefaultPortUnlessTheRoleSaysOtherwise() {
        Instruction healthcheck = dockerfile.lastOf("HEALTHCHECK");
        Matcher command = Pattern.compile(".* CMD (.*)").matcher(healthcheck.arguments());
        assertThat(command.matches()).as(healthcheck.arguments()).isTrue();
        assertThat(command.group(1)).isEqualTo("skein ping $SKEIN_PING");

        Map<String, String> environment = dockerfile.environment();
        SkeinCommand ping = TestingSkeinCommands.parse(
                "Dockerfile HEALTHCHECK",
                TestingShell.skeinInvocation(List.of("/bin/sh", "-c", command.group(1)), environment, dir));
        assertThat(ping.name()).isEqualTo("ping");
        assertThat(ping.option("--flight"))
                .isEqualTo("127.0.0.1:" + TestingSkeinCommands.defaultOf("worker", "--port"));
    }

    @Test
    void pingArchiveIsBuiltWithTheFlagsThePingRunsWith() throws IOException {
        List<String> runFlags = jvmFlags(dockerfile.all("RUN").stream()
                .map(Instruction::arguments)
                .filter(run -> run.contains("-XX:ArchiveClassesAtExit="))
                .findFirst()
                .orElseThrow());
        List<String> pingFlags = jvmFlags(firstJavaCommand(Files.readAllLines(deploy("skein.sh"))));

        assertThat(runFlags).contains("-XX:ArchiveClassesAtExit=/opt/skein/ping.jsa");
        assertThat(pingFlags).contains("-XX:SharedArchiveFile=/opt/skein/ping.jsa");
        assertThat(runFlags.stream().filter(flag -> !flag.contains(".jsa")))
                .containsExactlyElementsOf(pingFlags.stream()
                        .filter(flag -> !flag.contains(".jsa"))
                        .toList());
    }

    /** The launcher's first {@code exec java} (the ping branch), continuation lines joined. */
    private static String firstJavaCommand(List<String> lines) {
        StringBuilder command = new StringBuilder();
        boolean inCommand = false;
        for (String line : lines) {
            String trimmed = line.strip();
            inCommand |= trimmed.startsWith("exec java");
            if (inCommand) {
                command.append(trimmed.replace("\\", " ")).append(' ');
                if (!trimmed.endsWith("\\")) {
                    break;
                }
            }
        }
        assertThat(command).as("an exec java line in skein.sh").isNotEmpty();
        return command.toString();
    }

    private static List<String> jvmFlags(String commandLine) {
        return List.of(commandLine.split("\\s+")).stream()
                .filter(word -> word.startsWith("-X") || word.startsWith("--add-opens"))
                .toList();
    }
}
