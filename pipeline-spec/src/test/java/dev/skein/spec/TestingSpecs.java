package dev.skein.spec;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;

/** Parses pipeline YAML for tests and renders the problems the way users see them. */
final class TestingSpecs {
    /** The file name problems are reported against. */
    static final String FILE = "p.yaml";

    /** The directory relative paths are resolved against. */
    static final Path BASE_DIR = Path.of("/pipelines/team");

    private TestingSpecs() {}

    /** Parses the YAML, which must be valid. */
    static PipelineSpec parse(String yaml) {
        return SpecParser.parse(FILE, yaml, BASE_DIR);
    }

    /** Parses the YAML, which must be invalid, and renders every problem as {@code file:line:col: error: message}. */
    static List<String> problems(String yaml) {
        InvalidSpecException e =
                catchThrowableOfType(InvalidSpecException.class, () -> SpecParser.parse(FILE, yaml, BASE_DIR));
        if (e == null) {
            throw new AssertionError("expected problems, but the spec is valid:\n" + yaml);
        }
        return e.problems().stream().map(Problem::toString).toList();
    }
}
