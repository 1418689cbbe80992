package dev.skein.examples;

import dev.skein.spec.GenerateSourceSpec;
import dev.skein.spec.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test fixture: the example pipeline files, copied where their relative sink paths land in a test's
 * directory (running and checking them is {@code dev.skein.testing.TestingPipelines}).
 */
final class TestingExamples {
    /** The example pipelines, relative to this module's directory (the tests' working directory). */
    static final Path PIPELINES = Path.of("pipelines");

    private TestingExamples() {}

    /**
     * Copies an example to {@code dir/examples/pipelines/}, so that its sink paths ({@code
     * ../../out/x}) land in {@code dir/out/x}.
     */
    static Path copy(String example, Path dir) throws Exception {
        Path target = Files.createDirectories(dir.resolve("examples/pipelines")).resolve(example);
        Files.copy(PIPELINES.resolve(example), target);
        return target;
    }

    /** The generate source's query of a pipeline file, to compute its answer directly in DuckDB. */
    static String sourceSql(Path file) {
        return ((GenerateSourceSpec) SpecParser.parse(file).source()).sql();
    }
}
