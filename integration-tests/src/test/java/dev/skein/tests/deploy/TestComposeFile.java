package dev.skein.tests.deploy;

import static dev.skein.tests.deploy.TestingDeployFiles.at;
import static dev.skein.tests.deploy.TestingDeployFiles.deploy;
import static dev.skein.tests.deploy.TestingDeployFiles.document;
import static dev.skein.tests.deploy.TestingDeployFiles.listAt;
import static dev.skein.tests.deploy.TestingDeployFiles.map;
import static dev.skein.tests.deploy.TestingDeployFiles.mapAt;
import static dev.skein.tests.deploy.TestingDeployFiles.repository;
import static dev.skein.tests.deploy.TestingDeployFiles.stringAt;
import static dev.skein.tests.deploy.TestingDeployFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.tests.deploy.TestingSkeinCommands.HostPort;
import dev.skein.tests.deploy.TestingSkeinCommands.SkeinCommand;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/docker-compose.yml: every command line it gives to skein is parsed by the real CLI, as the
 * container's shell would pass it; names, ports, paths and variables agree across services, with
 * the Dockerfile and with the pipeline the demo submits. `docker-compose config` (.ci/run) checks
 * the file against compose's own schema.
 */
class TestComposeFile {
    /** What Docker sets HOSTNAME to: the container's short id. */
    private static final String CONTAINER_HOSTNAME = "3f2a1b4c5d6e";
    /** The official image's client port when ZOO_SERVERS does not say otherwise. */
    private static final int ZOOKEEPER_IMAGE_CLIENT_PORT = 2181;

    private final Map<String, Object> compose = document(deploy("docker-compose.yml"));
    private final Map<String, Object> services = mapAt(compose, "services");
    private final TestingDockerfile dockerfile = TestingDockerfile.read(deploy("Dockerfile"));

    @TempDir
    Path dir;

    @Test
    void everySkeinServiceRunsACommandTheCliAccepts() {
        Map<String, String> subcommands = new LinkedHashMap<>();
        for (String service : skeinServices()) {
            subcommands.put(service, command(service).name());
        }
        assertThat(subcommands)
                .containsExactly(
                        Map.entry("coordinator", "coordinator"),
                        Map.entry("worker", "worker"),
                        Map.entry("demo", "submit"));
    }

    @Test
    void skeinServicesShareOneImageBuiltFromTheRepositoryRoot() {
        for (String service : skeinServices()) {
            assertThat(stringAt(service(service), "build", "context")).isEqualTo("..");
            assertThat(stringAt(service(service), "build", "dockerfile")).isEqualTo("deploy/Dockerfile");
        }
        assertThat(deploy("..").normalize()).isEqualTo(repository());
    }

    @Test
    void workerAdvertisesItsContainerAddressAndIsNamedAfterItsContainer() {
        SkeinCommand worker = command("worker");
        assertThat(worker.option("--advertise-host"))
                .isEqualTo(TestingShell.CONTAINER_ADDRESSES.split(" ")[0]);
        assertThat(worker.option("--id")).isEqualTo(CONTAINER_HOSTNAME);
        assertThat(worker.option("--bind")).isEqualTo("0.0.0.0");
    }

    @Test
    void workersCanBeScaledBecauseNothingIsFixedPerContainer() {
        assertThat(service("worker")).doesNotContainKeys("ports", "container_name", "hostname");
    }

    @Test
    void zookeeperConnectStringsNameTheZooKeeperServiceAndItsClientPort() {
        int clientPort = zookeeperClientPort();
        assertThat(strings(at(service("zookeeper"), "expose"), "zookeeper expose"))
                .contains(Integer.toString(clientPort));
        assertThat(String.join(" ", strings(at(service("zookeeper"), "healthcheck", "test"), "zookeeper healthcheck")))
                .contains("127.0.0.1 " + clientPort);
        for (String service : List.of("coordinator", "worker")) {
            assertThat(command(service).hostPorts("--zookeeper"))
                    .as("%s --zookeeper", service)
                    .containsExactly(new HostPort("zookeeper", clientPort));
        }
    }

    @Test
    void coordinatorUrlsNameTheCoordinatorServiceAndItsPublishedPorts() {
        int httpPort = command("coordinator").intOption("--http-port");
        int flightPort = command("coordinator").intOption("--flight-port");
        URI url = command("demo").uri("--coordinator");
        assertThat(url.getHost()).isEqualTo("coordinator");
        assertThat(url.getPort()).isEqualTo(httpPort);
        assertThat(strings(at(service("coordinator"), "ports"), "coordinator ports"))
                .containsExactly(httpPort + ":" + httpPort, flightPort + ":" + flightPort);
    }

    @Test
    void healthChecksPingEachRolesOwnPort() {
        assertThat(healthCheck("coordinator").option("--http"))
                .isEqualTo("http://127.0.0.1:" + command("coordinator").intOption("--http-port"));
        assertThat(healthCheck("worker").option("--flight"))
                .isEqualTo("127.0.0.1:" + command("worker").intOption("--port"));
        assertThat(at(service("demo"), "healthcheck", "disable")).isEqualTo(true);
    }

    @Test
    void dependenciesWaitForServicesThatHaveAHealthCheck() {
        List<String> edges = new ArrayList<>();
        for (String service : services.keySet()) {
            if (!service(service).containsKey("depends_on")) {
                continue;
            }
            for (Map.Entry<String, Object> dependency :
                    mapAt(service(service), "depends_on").entrySet()) {
                assertThat(stringAt(map(dependency.getValue(), service + " depends_on"), "condition"))
                        .isEqualTo("service_healthy");
                assertThat(hasHealthCheck(dependency.getKey()))
                        .as("%s has a health check", dependency.getKey())
                        .isTrue();
                edges.add(service + " -> " + dependency.getKey());
            }
        }
        assertThat(edges)
                .containsExactly(
                        "coordinator -> zookeeper", "worker -> zookeeper", "demo -> coordinator", "demo -> worker");
    }

    @Test
    void demoOutputLandsOnTheVolumeThatEveryNodeMountsAtTheSamePath() {
        SkeinCommand submit = command("demo");
        Path file = Path.of(submit.positional(0));
        Path sourceInRepository = imagePathToRepository(file);
        Map<String, Object> pipeline = document(sourceInRepository);

        List<Object> sinks = listAt(pipeline, "sinks");
        assertThat(sinks).isNotEmpty();
        for (Object sink : sinks) {
            Path output = file.getParent()
                    .resolve(stringAt(map(sink, "sink"), "path"))
                    .normalize();
            String volume = volumeHolding("demo", output);
            assertThat(mapAt(compose, "volumes")).containsKey(volume.split(":")[0]);
            for (String service : List.of("coordinator", "worker")) {
                assertThat(strings(at(service(service), "volumes"), service + " volumes"))
                        .as("%s mounts the volume holding %s", service, output)
                        .contains(volume);
            }
        }
    }

    @Test
    void memoryFlagsFitTheContainerLimits() {
        TestingMemory.assertFits(
                "worker",
                environment("worker").get("JAVA_OPTS"),
                command("worker").option("--duckdb-memory"),
                TestingMemory.WORKER_OVERHEAD,
                stringAt(service("worker"), "mem_limit"));
        TestingMemory.assertFits(
                "coordinator",
                environment("coordinator").get("JAVA_OPTS"),
                "",
                256 * TestingMemory.MIB,
                stringAt(service("coordinator"), "mem_limit"));
        long zookeeperHeap = Long.parseLong(environment("zookeeper").get("ZK_SERVER_HEAP")) * TestingMemory.MIB;
        assertThat(zookeeperHeap + 256 * TestingMemory.MIB)
                .isLessThanOrEqualTo(TestingMemory.bytes(stringAt(service("zookeeper"), "mem_limit")));
    }

    private List<String> skeinServices() {
        String image = null;
        List<String> skein = new ArrayList<>();
        for (String service : services.keySet()) {
            if (service(service).containsKey("build")) {
                image = image == null ? stringAt(service(service), "image") : image;
                assertThat(stringAt(service(service), "image"))
                        .as("%s image", service)
                        .isEqualTo(image);
                skein.add(service);
            }
        }
        return skein;
    }

    private Map<String, Object> service(String name) {
        return mapAt(services, name);
    }

    private Map<String, String> environment(String service) {
        Map<String, String> environment = new LinkedHashMap<>();
        if (service(service).containsKey("environment")) {
            mapAt(service(service), "environment").forEach((key, value) -> environment.put(key, String.valueOf(value)));
        }
        return environment;
    }

    /** The skein command a service's container starts, through its shell if it has one. */
    private SkeinCommand command(String service) {
        String where = "docker-compose.yml service '" + service + "'";
        Map<String, Object> definition = service(service);
        if (!definition.containsKey("entrypoint")) {
            // The image's entrypoint is skein itself: the command is its arguments, no shell.
            return TestingSkeinCommands.parse(
                    where,
                    strings(at(definition, "command"), where + " command").stream()
                            .map(TestComposeFile::interpolated)
                            .toList());
        }
        List<String> argv = strings(at(definition, "entrypoint"), where + " entrypoint").stream()
                .map(TestComposeFile::interpolated)
                .toList();
        Map<String, String> environment = new LinkedHashMap<>(dockerfile.environment());
        environment.putAll(environment(service));
        environment.put("HOSTNAME", CONTAINER_HOSTNAME);
        return TestingSkeinCommands.parse(where, TestingShell.skeinInvocation(argv, environment, dir.resolve(service)));
    }

    /** The image's HEALTHCHECK as it runs in this service: the Dockerfile's ENV under the service's. */
    private SkeinCommand healthCheck(String service) {
        Matcher command = Pattern.compile(".* CMD (.*)")
                .matcher(dockerfile.lastOf("HEALTHCHECK").arguments());
        assertThat(command.matches()).isTrue();
        Map<String, String> environment = new LinkedHashMap<>(dockerfile.environment());
        environment.putAll(environment(service));
        return TestingSkeinCommands.parse(
                "HEALTHCHECK of docker-compose.yml service '" + service + "'",
                TestingShell.skeinInvocation(
                        List.of("/bin/sh", "-c", command.group(1)), environment, dir.resolve(service + "-health")));
    }

    private boolean hasHealthCheck(String service) {
        Map<String, Object> definition = service(service);
        if (definition.containsKey("healthcheck")) {
            Map<String, Object> healthcheck = mapAt(definition, "healthcheck");
            return !Boolean.TRUE.equals(healthcheck.get("disable")) && healthcheck.containsKey("test");
        }
        return definition.containsKey("build"); // the skein image's HEALTHCHECK
    }

    private int zookeeperClientPort() {
        String servers = environment("zookeeper").get("ZOO_SERVERS");
        return servers == null
                ? ZOOKEEPER_IMAGE_CLIENT_PORT
                : Integer.parseInt(servers.substring(servers.lastIndexOf(';') + 1));
    }

    /** The {@code volume:target} entry of a service that holds {@code path}. */
    private String volumeHolding(String service, Path path) {
        return strings(at(service(service), "volumes"), service + " volumes").stream()
                .filter(volume -> path.startsWith(Path.of(volume.split(":")[1])))
                .findFirst()
                .orElseThrow(() -> new AssertionError(service + " mounts no volume holding " + path));
    }

    /** Maps a path inside the image back to the repository through the Dockerfile's COPY lines. */
    private Path imagePathToRepository(Path inImage) {
        for (TestingDockerfile.Instruction copy : dockerfile.all("COPY")) {
            String[] words = copy.arguments().split("\\s+");
            if (words.length == 2 && inImage.startsWith(Path.of(words[1]))) {
                Path inRepository =
                        repository().resolve(words[0]).resolve(Path.of(words[1]).relativize(inImage));
                assertThat(inRepository)
                        .as("%s in the image comes from %s", inImage, inRepository)
                        .isRegularFile();
                return inRepository;
            }
        }
        throw new AssertionError("no COPY in the Dockerfile puts anything at " + inImage);
    }

    /**
     * A value after compose's interpolation. The file uses none of compose's variables: {@code $$}
     * is a literal {@code $} for the container's shell, and any other {@code $} is a mistake.
     */
    private static String interpolated(String value) {
        assertThat(value.replace("$$", ""))
                .as("compose variables in '%s'", value)
                .doesNotContain("$");
        return value.replace("$$", "$");
    }
}
