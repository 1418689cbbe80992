package dev.skein.tests.deploy;

import static dev.skein.tests.deploy.TestingDeployFiles.at;
import static dev.skein.tests.deploy.TestingDeployFiles.deploy;
import static dev.skein.tests.deploy.TestingDeployFiles.document;
import static dev.skein.tests.deploy.TestingDeployFiles.documents;
import static dev.skein.tests.deploy.TestingDeployFiles.list;
import static dev.skein.tests.deploy.TestingDeployFiles.listAt;
import static dev.skein.tests.deploy.TestingDeployFiles.map;
import static dev.skein.tests.deploy.TestingDeployFiles.mapAt;
import static dev.skein.tests.deploy.TestingDeployFiles.stringAt;
import static dev.skein.tests.deploy.TestingDeployFiles.strings;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Test fixture: the manifests of deploy/k8s as kustomize would gather them, and containers'
 * environments and arguments resolved the way the kubelet does ({@code $(NAME)} from the
 * container's env, {@code $$} a literal {@code $}), ConfigMap and downward API included.
 */
final class TestingKubernetes {
    /** What the downward API would give, for the fields the manifests use. */
    static final Map<String, String> DOWNWARD_API = Map.of(
            "status.podIP", "10.244.1.7",
            "metadata.name", "pod-7d9f8c6b5-x2k4q");

    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private final Map<String, Object> kustomization = document(deploy("k8s/kustomization.yaml"));
    private final List<Map<String, Object>> manifests = new ArrayList<>();
    private final Set<String> usedConfigKeys = new LinkedHashSet<>();

    TestingKubernetes() {
        for (String resource : strings(at(kustomization, "resources"), "kustomization resources")) {
            manifests.addAll(documents(deploy("k8s").resolve(resource)));
        }
    }

    Map<String, Object> kustomization() {
        return kustomization;
    }

    /** The one manifest of this kind and name. */
    Map<String, Object> get(String kind, String name) {
        List<Map<String, Object>> found = manifests.stream()
                .filter(manifest -> kind.equals(manifest.get("kind")))
                .filter(manifest -> name.equals(stringAt(manifest, "metadata", "name")))
                .toList();
        assertThat(found).as("%s/%s in deploy/k8s", kind, name).hasSize(1);
        return found.get(0);
    }

    List<Map<String, Object>> all() {
        return List.copyOf(manifests);
    }

    Map<String, String> configData() {
        Map<String, String> data = new LinkedHashMap<>();
        mapAt(get("ConfigMap", "skein"), "data").forEach((key, value) -> data.put(key, String.valueOf(value)));
        return data;
    }

    /** Every ConfigMap key some container read so far through {@link #environment}. */
    Set<String> usedConfigKeys() {
        return Set.copyOf(usedConfigKeys);
    }

    /** The one container of a workload (Deployment, StatefulSet). */
    static Map<String, Object> container(Map<String, Object> workload) {
        List<Object> containers = listAt(workload, "spec", "template", "spec", "containers");
        assertThat(containers)
                .as("containers of %s", stringAt(workload, "metadata", "name"))
                .hasSize(1);
        return map(containers.get(0), "container");
    }

    /** A container's environment as the kubelet sets it. */
    Map<String, String> environment(Map<String, Object> container) {
        Map<String, String> environment = new LinkedHashMap<>();
        if (!container.containsKey("env")) {
            return environment;
        }
        for (Object item : list(container.get("env"), "env")) {
            Map<String, Object> variable = map(item, "env entry");
            String name = stringAt(variable, "name");
            if (variable.containsKey("value")) {
                environment.put(name, expand(String.valueOf(variable.get("value")), environment));
                continue;
            }
            Map<String, Object> from = mapAt(variable, "valueFrom");
            if (from.containsKey("configMapKeyRef")) {
                Map<String, Object> ref = mapAt(from, "configMapKeyRef");
                assertThat(stringAt(ref, "name")).as("ConfigMap of %s", name).isEqualTo("skein");
                String key = stringAt(ref, "key");
                assertThat(configData()).as("ConfigMap skein, read as %s", name).containsKey(key);
                usedConfigKeys.add(key);
                environment.put(name, configData().get(key));
            } else {
                String field = stringAt(from, "fieldRef", "fieldPath");
                assertThat(DOWNWARD_API).as("downward API field of %s", name).containsKey(field);
                environment.put(name, DOWNWARD_API.get(field));
            }
        }
        return environment;
    }

    /** The container's args after the kubelet's expansion; a reference it cannot resolve fails. */
    List<String> arguments(Map<String, Object> container) {
        Map<String, String> environment = environment(container);
        return strings(at(container, "args"), "args").stream()
                .map(arg -> expand(arg, environment))
                .toList();
    }

    static String expand(String value, Map<String, String> environment) {
        Matcher reference = REFERENCE.matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (reference.find()) {
            String name = reference.group(1);
            if (name == null) {
                reference.appendReplacement(expanded, "\\$");
                continue;
            }
            // The kubelet leaves an unknown $(NAME) as it is: the program would get the text "$(NAME)".
            assertThat(environment)
                    .as("$(%s) in '%s' is defined in the container's env", name, value)
                    .containsKey(name);
            reference.appendReplacement(expanded, Matcher.quoteReplacement(environment.get(name)));
        }
        reference.appendTail(expanded);
        return expanded.toString();
    }
}
