package dev.skein.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Submissions that would exhaust the coordinator or ZooKeeper are refused on submit, at the value. */
class TestSpecLimits {
    private static final Path ROOT = Path.of("/srv/skein");
    private static final DataRoots ROOTS = DataRoots.of(List.of(ROOT));

    @Test
    void refusesAHugeParallelismAtItsValue() {
        assertThat(problems(pipeline("    parallelism: 2147483647\n"), SpecLimits.DEFAULT))
                .containsExactly("p.yaml:8:18: error: 'parallelism' must be at most 256, got 2147483647");
        assertThat(problems(pipeline("    parallelism: 20000\n"), SpecLimits.DEFAULT.withMaxParallelism(1000)))
                .containsExactly("p.yaml:8:18: error: 'parallelism' must be at most 1000, got 20000");
    }

    @Test
    void acceptsTheMaximumParallelism() {
        PipelineSpec spec = SpecParser.parse("p.yaml", pipeline("    parallelism: 256\n"), ROOT, ROOTS);

        assertThat(spec.stages().get(0).parallelism()).isEqualTo(256);
    }

    @Test
    void refusesThreeThousandStagesWithOneProblem() {
        String stages = IntStream.range(0, 3000)
                .mapToObj(i -> "  - name: s" + i + "\n    sql: SELECT * FROM input\n")
                .collect(Collectors.joining());

        assertThat(problems("name: p\nsource:\n  type: generate\n  sql: SELECT 1 AS x\nstages:\n" + stages,
                        SpecLimits.DEFAULT))
                .containsExactly("p.yaml:6:3: error: 'stages' lists 3000 stages, more than the limit of 64");
    }

    @Test
    void refusesAFileLargerThanTheLimitBeforeParsingIt() {
        String comment = "# " + "x".repeat(1 << 20) + "\n";

        assertThat(problems(comment + pipeline(""), SpecLimits.DEFAULT))
                .containsExactly("p.yaml:1:1: error: file is " + (comment.length() + pipeline("").length())
                        + " bytes, more than the limit of 1048576");
    }

    /** One generate source and one stage on lines 6-7; {@code extra} goes after the stage's sql. */
    private static String pipeline(String extra) {
        return """
                name: p
                source:
                  type: generate
                  sql: SELECT 1 AS x
                stages:
                  - name: wide
                    sql: SELECT * FROM input
                """ + extra;
    }

    private static List<String> problems(String yaml, SpecLimits limits) {
        InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class,
                () -> SpecParser.parse("p.yaml", yaml, ROOT, ROOTS, limits));
        assertThat(e).as("problems expected").isNotNull();
        return e.problems().stream().map(Problem::toString).toList();
    }
}
