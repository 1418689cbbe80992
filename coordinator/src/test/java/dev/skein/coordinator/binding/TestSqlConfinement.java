package dev.skein.coordinator.binding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.spec.DataRoots;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SpecParser;
import dev.skein.spi.plugin.TransformLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks through the binder's DuckDB: SQL in a stage or a {@code generate} source that reads files
 * outside the data roots is refused on submit, at the position of the call, and nothing is read.
 */
class TestSqlConfinement {
    private static final String DENIED = "Permission Error: Cannot access file \"%s\" - file system operations are"
            + " disabled by configuration";

    @TempDir
    Path root;

    @TempDir
    Path outside;

    private SqlBinder binder;

    @BeforeEach
    void openBinder() {
        binder = SqlBinder.open(TransformLoader.classPathOnly(), DataRoots.of(List.of(root)));
    }

    @AfterEach
    void closeBinder() {
        binder.close();
    }

    @Test
    void refusesReadCsvOfEtcPasswdInAStage() {
        TestingProblems.assertBindingFails(binder, stage("SELECT * FROM read_csv('/etc/passwd')"),
                "p.yaml:7:24: error: stage 'steal': " + DENIED.formatted("/etc/passwd"));
    }

    @Test
    void refusesReadTextReadBlobAndGlobInAGenerateSource() {
        TestingProblems.assertBindingFails(binder, source("SELECT * FROM read_text('/etc/passwd')"),
                "p.yaml:4:22: error: source: " + DENIED.formatted("/etc/passwd"));
        TestingProblems.assertBindingFails(binder, source("SELECT * FROM read_blob('/etc/*')"),
                "p.yaml:4:22: error: source: " + DENIED.formatted("/etc/*"));
        TestingProblems.assertBindingFails(binder, source("SELECT * FROM glob('/etc/*')"),
                "p.yaml:4:22: error: source: " + DENIED.formatted("/etc/*"));
    }

    @Test
    void refusesAFileInASiblingDirectoryAndEscapesWithDotDot() throws Exception {
        Path secret = Files.writeString(outside.resolve("secret.csv"), "token\nhunter2\n");
        String escape = root + "/../" + outside.getFileName() + "/secret.csv";

        TestingProblems.assertBindingFails(binder, source("SELECT * FROM read_csv('" + escape + "')"),
                "p.yaml:4:22: error: source: " + DENIED.formatted(escape));
        TestingProblems.assertBindingFails(binder, source("SELECT * FROM read_csv('" + secret + "')"),
                "p.yaml:4:22: error: source: " + DENIED.formatted(secret));
    }

    @Test
    void refusesUrlsWithoutInstallingAnExtension() {
        TestingProblems.assertBindingFails(binder, source("SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')"),
                "p.yaml:4:22: error: source: " + DENIED.formatted("http://127.0.0.1:9/x.csv"));
    }

    @Test
    void refusesToUnlockTheConfigurationFromSql() {
        TestingProblems.assertBindingFails(binder, source("SET enable_external_access = true"),
                "p.yaml:4:8: error: source: sql must be a read-only query (SELECT, FROM, VALUES or WITH ... SELECT),"
                        + " not a SET statement");
    }

    @Test
    void readsFilesInsideTheDataRoot() throws Exception {
        Files.writeString(root.resolve("rows.csv"), "id\n1\n2\n");

        BoundPipeline bound = binder.bind(source("SELECT * FROM read_csv('" + root.resolve("rows.csv") + "')"));

        assertThat(bound.sourceColumns()).containsExactly(new BoundColumn("id", "BIGINT"));
    }

    private PipelineSpec source(String sql) {
        return SpecParser.parse("p.yaml", """
                name: p
                source:
                  type: generate
                  sql: %s
                stages:
                  - name: pass
                    sql: SELECT * FROM input
                """.formatted(sql), root);
    }

    private PipelineSpec stage(String sql) {
        return SpecParser.parse("p.yaml", """
                name: p
                source:
                  type: generate
                  sql: SELECT 1 AS id
                stages:
                  - name: steal
                    sql: %s
                """.formatted(sql), root);
    }
}
