package dev.skein.spi.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Builds plugin jars in tests: compiles Java source text against this JVM's class path (so the SPI
 * and Arrow resolve) and packages the classes, and nothing else, into a jar. The classes exist
 * only in that jar: loading them proves the plugins directory works.
 */
public final class TestingPluginJars {
    private TestingPluginJars() {}

    /**
     * @param jar where the jar is written; its directory must exist
     * @param sources source text by binary class name, e.g. {@code com.example.Upper}
     * @return {@code jar}
     */
    public static Path compile(Path jar, Map<String, String> sources) throws IOException {
        Path work = Files.createTempDirectory("skein-plugin-src-");
        Path classes = Files.createDirectories(work.resolve("classes"));
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = work.resolve("src").resolve(source.getKey().replace('.', '/') + ".java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            files.add(file);
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler: tests need a JDK, not a JRE");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of(
                    "-d", classes.toString(),
                    "-classpath", System.getProperty("java.class.path"),
                    "--release", "17",
                    "-proc:none");
            boolean compiled = compiler.getTask(null, fileManager, diagnostics, options, null,
                            fileManager.getJavaFileObjectsFromPaths(files))
                    .call();
            if (!compiled) {
                StringBuilder message = new StringBuilder("plugin sources do not compile:");
                for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
                    message.append('\n').append(diagnostic);
                }
                throw new IllegalStateException(message.toString());
            }
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out, manifest);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                jarOut.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                jarOut.write(Files.readAllBytes(file));
                jarOut.closeEntry();
            }
        }
        return jar;
    }

    /**
     * Source text of a pass-through transform {@code className} whose output schema is its input's:
     * the smallest plugin there is.
     */
    public static String passThrough(String className) {
        int dot = className.lastIndexOf('.');
        return """
                package %s;

                import dev.skein.spi.BatchEmitter;
                import dev.skein.spi.BatchTransform;
                import org.apache.arrow.vector.VectorSchemaRoot;
                import org.apache.arrow.vector.types.pojo.Schema;

                public final class %s implements BatchTransform {
                    @Override
                    public Schema outputSchema(Schema input) {
                        return input;
                    }

                    @Override
                    public void apply(VectorSchemaRoot input, BatchEmitter out) {
                        out.emit(input);
                    }
                }
                """
                .formatted(className.substring(0, dot), className.substring(dot + 1));
    }
}
