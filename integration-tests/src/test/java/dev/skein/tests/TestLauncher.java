package dev.skein.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.skein.cluster.WorkerInfo;
import dev.skein.cluster.ZkCluster;
import dev.skein.cluster.ZkClusterConfig;
import dev.skein.cluster.ZkWorkerRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ./skein launcher (build when needed, say why) and workers started with --port 0. */
class TestLauncher {
    @TempDir
    Path home;

    @Test
    void twoPortZeroWorkersOnOneHostRegisterUnderIdsFromTheirBoundPorts() throws Exception {
        List<Process> workers = new ArrayList<>();
        try (TestingServer zookeeper = new TestingServer();
                ZkCluster cluster = ZkCluster.connect(ZkClusterConfig.of(zookeeper.getConnectString()));
                ZkWorkerRegistry registry = cluster.workerRegistry().start()) {
            for (int i = 0; i < 2; i++) {
                workers.add(new ProcessBuilder(javaBinary(), "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx192m",
                        "-XX:MaxDirectMemorySize=128m", "-cp", System.getProperty("java.class.path"),
                        "dev.skein.cli.Main", "worker", "--zookeeper", zookeeper.getConnectString(), "--port", "0",
                        "--bind", "127.0.0.1", "--advertise-host", "127.0.0.1", "--duckdb-memory", "128MB")
                        .redirectErrorStream(true)
                        .redirectOutput(home.resolve("worker-" + i + ".log").toFile())
                        .start());
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> registry.liveWorkers().size() == 2);

            List<WorkerInfo> live = registry.liveWorkers();
            assertThat(live).extracting(WorkerInfo::id).doesNotHaveDuplicates();
            for (WorkerInfo worker : live) {
                assertThat(worker.id()).isEqualTo("127.0.0.1-" + worker.flightPort());
            }
        } finally {
            for (Process worker : workers) {
                worker.destroy();
                worker.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theLauncherBuildsOnlyWhenTheSourcesAreNewerAndSaysWhy() throws Exception {
        Path repository = Path.of("..").toAbsolutePath().normalize();
        Files.copy(repository.resolve("skein"), home.resolve("skein"));
        Path jar = home.resolve("cli/target/skein.jar");
        Files.createDirectories(jar.getParent());
        Files.copy(repository.resolve("cli/target/skein.jar"), jar);
        Files.createSymbolicLink(home.resolve("cli/target/lib"), repository.resolve("cli/target/lib"));
        Path source = home.resolve("worker/src/main/java/Changed.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "class Changed {}");
        Instant now = Instant.now();
        Files.setLastModifiedTime(jar, FileTime.from(now.minusSeconds(60)));
        Files.setLastModifiedTime(source, FileTime.from(now.minusSeconds(30)));
        // Stands for Maven: prints its module lines and writes the jar, as `mvn package` would.
        Path mvn = home.resolve("fake-mvn");
        Files.writeString(mvn, """
                #!/usr/bin/env bash
                echo "$*" >> "%s/mvn-calls"
                echo "[INFO] Scanning for projects..."
                echo "[INFO] Building Skein worker 0.1.0-SNAPSHOT                                [5/10]"
                echo "[INFO] BUILD SUCCESS"
                touch cli/target/skein.jar
                """.formatted(home));
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));

        Run first = launch(mvn);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("skein 0.1.0 (Java ");
        assertThat(first.err()).isEqualTo("""
                rebuilding skein: worker/src/main/java/Changed.java changed since the last build (SKEIN_NO_REBUILD=1 skips this)
                  Building Skein worker 0.1.0-SNAPSHOT                                [5/10]
                  BUILD SUCCESS
                """);
        assertThat(Files.readString(home.resolve("mvn-calls"))).isEqualTo("-B -DskipTests package\n");

        Run second = launch(mvn);
        assertThat(second.exit()).isZero();
        assertThat(second.err()).as("nothing changed since the build").isEmpty();
        assertThat(Files.readAllLines(home.resolve("mvn-calls"))).hasSize(1);

        Files.writeString(mvn, "#!/usr/bin/env bash\necho '[ERROR] COMPILATION ERROR'\nexit 3\n");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(60)));
        Run failed = launch(mvn);
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.out()).isEmpty();
        assertThat(failed.err()).startsWith("rebuilding skein: worker/src/main/java/Changed.java changed")
                .contains("build failed (exit 3); the end of Maven's output, all of it in ")
                .endsWith("[ERROR] COMPILATION ERROR\n");
    }

    private record Run(int exit, String out, String err) {}

    private Run launch(Path mvn) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", home.resolve("skein").toString(), "version")
                .redirectOutput(home.resolve("out").toFile())
                .redirectError(home.resolve("err").toFile());
        builder.environment().put("SKEIN_MVN", mvn.toString());
        builder.environment().put("SKEIN_JAVA_OPTS", "-Xmx64m");
        builder.environment().put("PATH", Path.of(javaBinary()).getParent() + ":" + System.getenv("PATH"));
        builder.environment().remove("SKEIN_REBUILD");
        builder.environment().remove("SKEIN_NO_REBUILD");
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), Files.readString(home.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(home.resolve("err"), StandardCharsets.UTF_8));
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
