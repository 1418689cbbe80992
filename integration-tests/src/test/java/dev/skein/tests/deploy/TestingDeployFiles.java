package dev.skein.tests.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Test fixture: the repository's deployment files as YAML trees, and typed access into them. */
final class TestingDeployFiles {
    private TestingDeployFiles() {}

    /** The repository root: the first directory upwards from the working directory with deploy/. */
    static Path repository() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("deploy/docker-compose.yml"))) {
            dir = dir.getParent();
        }
        assertThat(dir)
                .as(
                        "a directory above %s holding deploy/docker-compose.yml",
                        Path.of("").toAbsolutePath())
                .isNotNull();
        return dir;
    }

    static Path deploy(String relative) {
        return repository().resolve("deploy").resolve(relative);
    }

    /** Every document of a YAML file; merge keys ({@code <<: *anchor}) applied, as compose does. */
    static List<Map<String, Object>> documents(Path file) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : yaml.loadAll(reader)) {
                if (document != null) {
                    documents.add(map(document, file + " document"));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file, e);
        }
        return documents;
    }

    static Map<String, Object> document(Path file) {
        List<Map<String, Object>> documents = documents(file);
        assertThat(documents).as("documents in %s", file).hasSize(1);
        return documents.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String what) {
        assertThat(value).as(what).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String what) {
        assertThat(value).as(what).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    /** The value at a path of keys; fails naming the path when a step is missing. */
    static Object at(Map<String, Object> root, String... keys) {
        Object value = root;
        StringBuilder path = new StringBuilder();
        for (String key : keys) {
            path.append('.').append(key);
            Map<String, Object> map = map(value, path.toString());
            assertThat(map).as("%s", path).containsKey(key);
            value = map.get(key);
        }
        return value;
    }

    static Map<String, Object> mapAt(Map<String, Object> root, String... keys) {
        return map(at(root, keys), String.join(".", keys));
    }

    static List<Object> listAt(Map<String, Object> root, String... keys) {
        return list(at(root, keys), String.join(".", keys));
    }

    static String stringAt(Map<String, Object> root, String... keys) {
        return String.valueOf(at(root, keys));
    }

    static List<String> strings(Object value, String what) {
        return list(value, what).stream().map(String::valueOf).toList();
    }
}
