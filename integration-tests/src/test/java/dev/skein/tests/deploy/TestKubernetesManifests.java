package dev.skein.tests.deploy;

import static dev.skein.tests.deploy.TestingDeployFiles.at;
import static dev.skein.tests.deploy.TestingDeployFiles.deploy;
import static dev.skein.tests.deploy.TestingDeployFiles.document;
import static dev.skein.tests.deploy.TestingDeployFiles.list;
import static dev.skein.tests.deploy.TestingDeployFiles.map;
import static dev.skein.tests.deploy.TestingDeployFiles.mapAt;
import static dev.skein.tests.deploy.TestingDeployFiles.stringAt;
import static dev.skein.tests.deploy.TestingDeployFiles.strings;
import static dev.skein.tests.deploy.TestingKubernetes.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.tests.deploy.TestingSkeinCommands.HostPort;
import dev.skein.tests.deploy.TestingSkeinCommands.SkeinCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s: every command line given to skein (container args after the kubelet's {@code $(NAME)}
 * expansion, exec probes) is parsed by the real CLI; services, ports, the ZooKeeper ensemble, the
 * ConfigMap, the autoscaler and the memory budget agree with each other.
 */
class TestKubernetesManifests {
    private final TestingKubernetes k8s = new TestingKubernetes();

    @Test
    void kustomizationListsEveryManifestAndTagsTheImageComposeBuilds() throws IOException {
        List<String> files;
        try (Stream<Path> listing = Files.list(deploy("k8s"))) {
            files = listing.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
                    .sorted()
                    .toList();
        }
        assertThat(strings(at(k8s.kustomization(), "resources"), "resources"))
                .containsExactlyInAnyOrderElementsOf(files);

        Map<String, Object> image =
                map(TestingDeployFiles.listAt(k8s.kustomization(), "images").get(0), "image");
        String composeImage = stringAt(document(deploy("docker-compose.yml")), "x-skein", "image");
        assertThat(stringAt(image, "name") + ":" + stringAt(image, "newTag")).isEqualTo(composeImage);
        for (String workload : List.of("coordinator", "worker")) {
            assertThat(stringAt(container(k8s.get("Deployment", workload)), "image"))
                    .isEqualTo(stringAt(image, "name"));
        }
    }

    @Test
    void everySkeinContainerAndProbeRunsACommandTheCliAccepts() {
        assertThat(command("coordinator").name()).isEqualTo("coordinator");
        assertThat(command("worker").name()).isEqualTo("worker");
        assertThat(readinessPing("worker").name()).isEqualTo("ping");
    }

    @Test
    void zookeeperEnsembleIsWiredByStableNamesAndTheServicesPorts() throws Exception {
        Map<String, Object> statefulSet = k8s.get("StatefulSet", "zookeeper");
        Map<String, Object> headless = k8s.get("Service", stringAt(statefulSet, "spec", "serviceName"));
        assertThat(stringAt(headless, "spec", "clusterIP")).isEqualTo("None");
        assertThat(at(headless, "spec", "publishNotReadyAddresses")).isEqualTo(true);
        assertThat(stringAt(statefulSet, "spec", "podManagementPolicy")).isEqualTo("Parallel");
        assertThat(mapAt(statefulSet, "spec", "template", "metadata", "labels"))
                .containsAllEntriesOf(mapAt(headless, "spec", "selector"));
        Map<String, Integer> ports = servicePorts(headless);
        assertThat(containerPorts(container(statefulSet))).isEqualTo(ports);

        int replicas = (Integer) at(statefulSet, "spec", "replicas");
        String service = stringAt(headless, "metadata", "name");
        List<String> servers = new ArrayList<>();
        List<HostPort> clients = new ArrayList<>();
        for (int ordinal = 0; ordinal < replicas; ordinal++) {
            String host = stringAt(statefulSet, "metadata", "name") + "-" + ordinal + "." + service;
            servers.add("server.%d=%s:%d:%d;%d"
                    .formatted(ordinal + 1, host, ports.get("peer"), ports.get("election"), ports.get("client")));
            clients.add(new HostPort(host, ports.get("client")));
            assertThat(zookeeperServerId(container(statefulSet), host.substring(0, host.indexOf('.'))))
                    .isEqualTo(ordinal + 1);
        }
        Map<String, String> zookeeperEnvironment = k8s.environment(container(statefulSet));
        assertThat(List.of(zookeeperEnvironment.get("ZOO_SERVERS").split(" "))).containsExactlyElementsOf(servers);
        for (String workload : List.of("coordinator", "worker")) {
            assertThat(command(workload).hostPorts("--zookeeper"))
                    .as("%s --zookeeper", workload)
                    .containsExactlyElementsOf(clients);
        }
    }

    @Test
    void coordinatorServiceReachesTheCoordinatorsHttpPort() {
        Map<String, Object> deployment = k8s.get("Deployment", "coordinator");
        Map<String, Object> service = k8s.get("Service", "coordinator");
        assertThat(mapAt(deployment, "spec", "template", "metadata", "labels"))
                .containsAllEntriesOf(mapAt(service, "spec", "selector"));
        Map<String, Integer> containerPorts = containerPorts(container(deployment));
        assertThat(containerPorts)
                .containsExactly(
                        Map.entry("http", command("coordinator").intOption("--http-port")),
                        Map.entry("flight", command("coordinator").intOption("--flight-port")));
        assertThat(servicePorts(service)).isEqualTo(containerPorts);
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            assertThat(mapAt(container(deployment), probe, "httpGet"))
                    .containsEntry("path", "/ping")
                    .containsEntry("port", "http");
        }
    }

    @Test
    void workersAdvertiseTheirPodIpAndAreProbedOnTheirOwnPort() {
        SkeinCommand worker = command("worker");
        assertThat(worker.option("--advertise-host")).isEqualTo(TestingKubernetes.DOWNWARD_API.get("status.podIP"));
        assertThat(worker.option("--id")).isEqualTo(TestingKubernetes.DOWNWARD_API.get("metadata.name"));
        Map<String, Object> container = container(k8s.get("Deployment", "worker"));
        assertThat(containerPorts(container)).containsExactly(Map.entry("flight", worker.intOption("--port")));
        assertThat(readinessPing("worker").option("--flight")).isEqualTo("127.0.0.1:" + worker.intOption("--port"));
        assertThat(stringAt(container, "livenessProbe", "tcpSocket", "port")).isEqualTo("flight");
    }

    @Test
    void autoscalerOwnsTheWorkerCount() {
        Map<String, Object> autoscaler = k8s.get("HorizontalPodAutoscaler", "worker");
        Map<String, Object> target = mapAt(autoscaler, "spec", "scaleTargetRef");
        Map<String, Object> deployment = k8s.get(stringAt(target, "kind"), stringAt(target, "name"));
        assertThat(mapAt(deployment, "spec"))
                .as("a replicas field would fight the autoscaler")
                .doesNotContainKey("replicas");
        assertThat(stringAt(container(deployment), "resources", "requests", "cpu"))
                .as("utilization is measured against the CPU request")
                .isNotBlank();
        assertThat((Integer) at(autoscaler, "spec", "minReplicas")).isPositive().isLessThanOrEqualTo((Integer)
                at(autoscaler, "spec", "maxReplicas"));
    }

    @Test
    void memoryFlagsFitTheContainerLimits() {
        Map<String, Object> worker = container(k8s.get("Deployment", "worker"));
        assertThat(stringAt(worker, "resources", "requests", "memory"))
                .isEqualTo(stringAt(worker, "resources", "limits", "memory"));
        TestingMemory.assertFits(
                "k8s worker",
                k8s.environment(worker).get("JAVA_OPTS"),
                command("worker").option("--duckdb-memory"),
                TestingMemory.WORKER_OVERHEAD,
                stringAt(worker, "resources", "limits", "memory"));

        Map<String, Object> coordinator = container(k8s.get("Deployment", "coordinator"));
        TestingMemory.assertFits(
                "k8s coordinator",
                k8s.environment(coordinator).get("JAVA_OPTS"),
                "",
                256 * TestingMemory.MIB,
                stringAt(coordinator, "resources", "limits", "memory"));

        Map<String, Object> zookeeper = container(k8s.get("StatefulSet", "zookeeper"));
        long heap = Long.parseLong(k8s.environment(zookeeper).get("ZK_SERVER_HEAP")) * TestingMemory.MIB;
        assertThat(heap + 256 * TestingMemory.MIB)
                .isLessThanOrEqualTo(TestingMemory.bytes(stringAt(zookeeper, "resources", "limits", "memory")));
    }

    @Test
    void everyConfigMapKeyIsReadBySomeContainer() {
        for (Map<String, Object> manifest : k8s.all()) {
            if (List.of("Deployment", "StatefulSet").contains(String.valueOf(manifest.get("kind")))) {
                k8s.environment(container(manifest));
            }
        }
        assertThat(k8s.usedConfigKeys())
                .containsExactlyInAnyOrderElementsOf(k8s.configData().keySet());
    }

    @Test
    void skeinPodsRunAsNonRootWithoutPrivilegeEscalation() {
        for (String workload : List.of("coordinator", "worker")) {
            Map<String, Object> deployment = k8s.get("Deployment", workload);
            assertThat(at(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"))
                    .isEqualTo(true);
            assertThat(at(container(deployment), "securityContext", "allowPrivilegeEscalation"))
                    .isEqualTo(false);
        }
    }

    private SkeinCommand command(String deployment) {
        Map<String, Object> container = container(k8s.get("Deployment", deployment));
        return TestingSkeinCommands.parse("k8s Deployment '" + deployment + "'", k8s.arguments(container));
    }

    private SkeinCommand readinessPing(String deployment) {
        List<String> probe = strings(
                at(container(k8s.get("Deployment", deployment)), "readinessProbe", "exec", "command"),
                "readiness probe");
        assertThat(probe.get(0)).isEqualTo("skein");
        return TestingSkeinCommands.parse(
                "readiness probe of k8s Deployment '" + deployment + "'", probe.subList(1, probe.size()));
    }

    /**
     * The server id the ZooKeeper container computes in a pod of this name: its command after the
     * kubelet's expansion, run by bash up to the point where it would start the server.
     */
    private int zookeeperServerId(Map<String, Object> container, String podName) throws Exception {
        List<String> command = strings(at(container, "command"), "zookeeper command");
        String script = TestingKubernetes.expand(command.get(2), k8s.environment(container));
        String start = "exec /docker-entrypoint.sh zkServer.sh start-foreground";
        assertThat(script).endsWith(start);
        ProcessBuilder bash =
                new ProcessBuilder(command.get(0), command.get(1), script.replace(start, "echo \"$ZOO_MY_ID\""));
        bash.environment().put("HOSTNAME", podName);
        Process process = bash.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor()).as("bash output: %s", output).isZero();
        return Integer.parseInt(output);
    }

    private static Map<String, Integer> containerPorts(Map<String, Object> container) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Object port : list(container.get("ports"), "ports")) {
            ports.put(stringAt(map(port, "port"), "name"), (Integer) at(map(port, "port"), "containerPort"));
        }
        return ports;
    }

    /** A Service's ports by name; each must reach the container port of the same name and number. */
    private static Map<String, Integer> servicePorts(Map<String, Object> service) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (Object item : list(at(service, "spec", "ports"), "ports")) {
            Map<String, Object> port = map(item, "port");
            Object target = port.getOrDefault("targetPort", port.get("port"));
            if (target instanceof String name) {
                assertThat(name).isEqualTo(stringAt(port, "name"));
            }
            ports.put(stringAt(port, "name"), (Integer) at(port, "port"));
        }
        return ports;
    }
}
