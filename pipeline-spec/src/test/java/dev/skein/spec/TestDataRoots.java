package dev.skein.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On submit every source and sink path must resolve inside a data root; each refusal names its value's line:col. */
class TestDataRoots {
    private static final Path ROOT = Path.of("/srv/skein/data");
    private static final DataRoots ROOTS = DataRoots.of(List.of(ROOT, Path.of("/srv/skein/out")));

    @Test
    void refusesDotDotAndAbsoluteSinkPathsAndAnAbsoluteSourceAtTheirValues() {
        assertThat(problems("""
                name: p
                source:
                  type: csv
                  path: /etc/passwd
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                sinks:
                  - type: parquet
                    path: ../../victim
                  - type: csv
                    path: /tmp/victim
                """))
                .containsExactly(
                        "p.yaml:4:9: error: path '/etc/passwd' is outside the data directories (/srv/skein/data,"
                                + " /srv/skein/out)",
                        "p.yaml:10:11: error: path '/srv/victim' is outside the data directories (/srv/skein/data,"
                                + " /srv/skein/out)",
                        "p.yaml:12:11: error: path '/tmp/victim' is outside the data directories (/srv/skein/data,"
                                + " /srv/skein/out)");
    }

    @Test
    void refusesSinkPathsThatCannotBeWrittenAtSubmit(@TempDir Path data) throws Exception {
        Files.writeString(data.resolve("afile"), "x");
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc), "needs Linux's /proc, a directory nobody can create files in");

        assertThat(problems("""
                name: p
                source:
                  type: generate
                  sql: SELECT 1 AS x
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                sinks:
                  - type: csv
                    path: /proc/out
                  - type: parquet
                    path: afile/out
                  - type: parquet
                    path: fresh/out
                """, data, DataRoots.of(List.of(data, proc))))
                .hasSize(2)
                .satisfies(problems -> assertThat(problems.get(0)).matches(
                        "p\\.yaml:10:11: error: sink path '/proc/out' cannot be written: creating a directory in"
                                + " '/proc' failed \\((permission denied|no such file or directory)\\)"))
                .satisfies(problems -> assertThat(problems.get(1)).isEqualTo("p.yaml:12:11: error: sink path '"
                        + data.resolve("afile/out") + "' cannot be written: '" + data.resolve("afile")
                        + "' is a file, not a directory"));
        try (var left = Files.list(data)) {
            assertThat(left.map(path -> path.getFileName().toString())).containsExactly("afile");
        }
    }

    @Test
    void refusesUrlsAndSiblingsThatShareAPrefix() {
        assertThat(problems("""
                name: p
                source:
                  type: parquet
                  path: https://example.com/x.parquet
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                sinks:
                  - type: csv
                    path: /srv/skein/data2/out
                """))
                .containsExactly(
                        "p.yaml:4:9: error: path 'https://example.com/x.parquet' is outside the data directories"
                                + " (/srv/skein/data, /srv/skein/out)",
                        "p.yaml:10:11: error: path '/srv/skein/data2/out' is outside the data directories"
                                + " (/srv/skein/data, /srv/skein/out)");
    }

    @Test
    void acceptsPathsInsideAnyRootAndGlobsWithDotDotThatStayInside() {
        PipelineSpec spec = SpecParser.parse("p.yaml", """
                name: p
                source:
                  type: csv
                  path: in/../in/*.csv
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                sinks:
                  - type: csv
                    path: ../out/p
                """, ROOT, ROOTS);

        assertThat(((CsvSourceSpec) spec.source()).path()).isEqualTo("/srv/skein/data/in/*.csv");
        assertThat(((CsvSinkSpec) spec.sinks().get(0)).path()).isEqualTo("/srv/skein/out/p");
    }

    @Test
    void withoutRootsEveryFileIsRefusedWithAHint() {
        InvalidSpecException e = catchThrowableOfType(InvalidSpecException.class, () -> SpecParser.parse("p.yaml", """
                name: p
                source:
                  type: csv
                  path: in.csv
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                """, ROOT, DataRoots.none()));

        assertThat(e.problems()).extracting(Problem::toString).containsExactly(
                "p.yaml:4:9: error: path '/srv/skein/data/in.csv' is outside the data directories (none configured;"
                        + " start the node with --data-dir DIR)");
    }

    @Test
    void duckDbGetsEveryRootWithATrailingSeparatorAndTheLockLast() {
        assertThat(ROOTS.duckDbConfinement()).containsExactly(
                "SET allowed_directories = ['/srv/skein/data/', '/srv/skein/out/']",
                "SET enable_external_access = false",
                "SET autoinstall_known_extensions = false",
                "SET autoload_known_extensions = false",
                "SET lock_configuration = true");
    }

    private static List<String> problems(String yaml) {
        return problems(yaml, ROOT, ROOTS);
    }

    private static List<String> problems(String yaml, Path base, DataRoots roots) {
        InvalidSpecException e =
                catchThrowableOfType(InvalidSpecException.class, () -> SpecParser.parse("p.yaml", yaml, base, roots));
        return e.problems().stream().map(Problem::toString).toList();
    }
}
