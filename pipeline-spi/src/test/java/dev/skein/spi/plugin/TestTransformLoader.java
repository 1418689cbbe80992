package dev.skein.spi.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.BatchTransform;
import dev.skein.spi.ErrorCode;
import dev.skein.spi.SkeinException;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestTransformLoader {
    private static final String TESTING = TestingTransforms.class.getName() + "$";

    @TempDir
    Path plugins;

    @Test
    void loadsAndCreatesAClassFromTheClassPath() throws IOException {
        try (TransformLoader loader = TransformLoader.classPathOnly()) {
            assertThat(loader.load(TESTING + "PassThrough")).isEqualTo(TestingTransforms.PassThrough.class);
            assertThat(loader.instantiate(TESTING + "PassThrough")).isInstanceOf(TestingTransforms.PassThrough.class);
            assertThat(loader.jars()).isEmpty();
            assertThat(loader.pluginsDirectory()).isEmpty();
        }
    }

    @Test
    void namesTheClassAndWhatIsWrongWithIt() throws IOException {
        try (TransformLoader loader = TransformLoader.classPathOnly()) {
            assertInvalid(loader, "com.example.Nope", "class 'com.example.Nope' not found");
            assertInvalid(loader, TESTING + "NotATransform",
                    "class '" + TESTING + "NotATransform' does not implement dev.skein.spi.BatchTransform");
            assertInvalid(loader, TESTING + "NotPublic", "class '" + TESTING + "NotPublic' is not public");
            assertInvalid(loader, TESTING + "Abstract",
                    "class '" + TESTING + "Abstract' is abstract; name a concrete class");
            assertInvalid(loader, TESTING + "Inner", "class '" + TESTING + "Inner' is an inner class; make it static");
            assertInvalid(loader, TESTING + "NeedsArgument",
                    "class '" + TESTING + "NeedsArgument' has no public no-argument constructor");
            assertThatThrownBy(() -> loader.instantiate(TESTING + "FailsToConstruct"))
                    .isInstanceOfSatisfying(SkeinException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STAGE_FAILED))
                    .hasMessage(TESTING + "FailsToConstruct.<init> failed: no licence key");
        }
    }

    @Test
    void loadsEachPluginJarInItsOwnClassLoaderUnderTheSpis() throws IOException {
        TestingPluginJars.compile(plugins.resolve("b-upper.jar"),
                Map.of("com.example.upper.Upper", TestingPluginJars.passThrough("com.example.upper.Upper")));
        TestingPluginJars.compile(plugins.resolve("a-lower.jar"),
                Map.of("com.example.lower.Lower", TestingPluginJars.passThrough("com.example.lower.Lower")));
        Files.writeString(plugins.resolve("notes.txt"), "not a jar");

        try (TransformLoader loader = TransformLoader.of(Optional.of(plugins))) {
            assertThat(loader.jars()).containsExactly(plugins.resolve("a-lower.jar"), plugins.resolve("b-upper.jar"));
            BatchTransform upper = loader.instantiate("com.example.upper.Upper");
            BatchTransform lower = loader.instantiate("com.example.lower.Lower");

            ClassLoader upperLoader = upper.getClass().getClassLoader();
            assertThat(upperLoader).isInstanceOf(URLClassLoader.class).isNotSameAs(lower.getClass().getClassLoader());
            assertThat(upperLoader.getName()).isEqualTo("plugin b-upper.jar");
            assertThat(upperLoader.getParent()).isSameAs(BatchTransform.class.getClassLoader());
            assertThatThrownBy(() -> upperLoader.loadClass("com.example.lower.Lower"))
                    .isInstanceOf(ClassNotFoundException.class);
        }
    }

    @Test
    void refusesAClassThatTwoJarsHold() throws IOException {
        for (String jar : List.of("one.jar", "two.jar")) {
            TestingPluginJars.compile(plugins.resolve(jar),
                    Map.of("com.example.Twice", TestingPluginJars.passThrough("com.example.Twice")));
        }

        try (TransformLoader loader = TransformLoader.of(Optional.of(plugins))) {
            assertInvalid(loader, "com.example.Twice",
                    "class 'com.example.Twice' is in more than one plugin jar: one.jar, two.jar");
        }
    }

    @Test
    void aMissingPluginsDirectoryIsNotFound() {
        Path missing = plugins.resolve("missing");

        assertThatThrownBy(() -> TransformLoader.of(Optional.of(missing)))
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessage("plugins directory '" + missing + "' does not exist");
    }

    @Test
    void callsRunWithTheTransformsClassLoaderAndNameTheMethodThatFailed() throws IOException {
        TestingPluginJars.compile(plugins.resolve("p.jar"),
                Map.of("com.example.P", TestingPluginJars.passThrough("com.example.P")));
        try (TransformLoader loader = TransformLoader.of(Optional.of(plugins))) {
            BatchTransform plugin = loader.instantiate("com.example.P");
            TestingTransforms.PassThrough local = new TestingTransforms.PassThrough();
            ClassLoader before = Thread.currentThread().getContextClassLoader();

            ClassLoader seen = TransformCalls.call(
                    plugin, "outputSchema", () -> Thread.currentThread().getContextClassLoader());
            TransformCalls.call(local, "outputSchema", () -> local.outputSchema(new Schema(List.of())));

            assertThat(seen).isSameAs(plugin.getClass().getClassLoader());
            assertThat(TestingTransforms.PassThrough.contextLoaderSeen).isSameAs(local.getClass().getClassLoader());
            assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
            assertThatThrownBy(() -> TransformCalls.run(plugin, "apply", () -> {
                        throw new IllegalStateException("bad row");
                    }))
                    .isInstanceOfSatisfying(SkeinException.class,
                            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.STAGE_FAILED))
                    .hasMessage("com.example.P.apply threw IllegalStateException: bad row");
            assertThatThrownBy(() -> TransformCalls.run(plugin, "finish", () -> {
                        throw new NoClassDefFoundError("com/google/Thing");
                    }))
                    .hasMessage("com.example.P.finish threw NoClassDefFoundError: com/google/Thing");
        }
    }

    private static void assertInvalid(TransformLoader loader, String className, String message) {
        assertThatThrownBy(() -> loader.load(className))
                .isInstanceOfSatisfying(SkeinException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_SPEC))
                .hasMessage(message);
    }
}
