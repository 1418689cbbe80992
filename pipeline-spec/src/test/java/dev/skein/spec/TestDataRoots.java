package dev.skein.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

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
        InvalidSpecException e =
                catchThrowableOfType(InvalidSpecException.class, () -> SpecParser.parse("p.yaml", yaml, ROOT, ROOTS));
        return e.problems().stream().map(Problem::toString).toList();
    }
}
