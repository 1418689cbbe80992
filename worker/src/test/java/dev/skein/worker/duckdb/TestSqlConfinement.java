package dev.skein.worker.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spec.DataRoots;
import dev.skein.spec.GenerateSourceSpec;
import dev.skein.spec.Location;
import dev.skein.spec.SourceSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second line: SQL that slipped past the coordinator's binder runs in a worker DuckDB that
 * refuses files outside the data roots, extensions and changes to its configuration.
 */
class TestSqlConfinement {
    private static final String DENIED = "Permission Error: Cannot access file \"%s\" - file system operations are"
            + " disabled by configuration";

    @TempDir
    Path root;

    @TempDir
    Path outside;

    private BufferAllocator allocator;
    private DuckDbDatabase database;
    private DuckDbSession session;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
        database = DuckDbDatabase.open(1, "256MB", DataRoots.of(List.of(root)));
        session = database.openSession(allocator);
    }

    @AfterEach
    void close() throws Exception {
        session.close();
        database.close();
        assertThat(allocator.getAllocatedMemory()).isZero();
        allocator.close();
    }

    @Test
    void aGenerateSourceCannotReadEtcPasswd() {
        for (String sql : List.of(
                "SELECT * FROM read_csv('/etc/passwd')",
                "SELECT * FROM read_text('/etc/passwd')")) {
            assertThatThrownBy(() -> rows(generate(sql)))
                    .as(sql)
                    .isInstanceOf(SQLException.class)
                    .hasMessageStartingWith(DENIED.formatted("/etc/passwd"));
        }
        // a failure while streaming reads only "Invalid result set": the task asks DuckDB again, as here
        String sniff = generate("SELECT * FROM sniff_csv('/etc/passwd')");
        assertThatThrownBy(() -> rows(sniff)).isInstanceOf(SQLException.class);
        assertThat(session.explainFailure(sniff, "read it")).startsWith(DENIED.formatted("/etc/passwd"));
        for (String sql : List.of("SELECT * FROM read_blob('/etc/*')", "SELECT * FROM glob('/etc/*')")) {
            assertThatThrownBy(() -> rows(generate(sql)))
                    .as(sql)
                    .hasMessageStartingWith(DENIED.formatted("/etc/*"));
        }
    }

    @Test
    void copyCannotWriteOutsideTheDataRootsAndWritesNothing() throws Exception {
        Path victim = outside.resolve("victim.csv");

        assertThatThrownBy(() -> session.execute("COPY (SELECT 1 AS x) TO '" + victim + "' (FORMAT csv)"))
                .hasMessageStartingWith(DENIED.formatted(victim));
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void theConfigurationIsLockedAndExtensionsStayOut() {
        assertThatThrownBy(() -> session.execute("SET enable_external_access = true"))
                .hasMessageContaining("Cannot change configuration option \"\"enable_external_access\"\" - the"
                        + " configuration has been locked");
        assertThatThrownBy(() -> session.execute("SET allowed_directories = ['/']"))
                .hasMessageContaining("the configuration has been locked");
        assertThatThrownBy(() -> session.execute("LOAD httpfs"))
                .hasMessageStartingWith("Permission Error: Loading external extensions is disabled through configuration");
    }

    @Test
    void readsAndWritesInsideTheDataRoot() throws Exception {
        Files.writeString(root.resolve("in.csv"), "id\n1\n2\n3\n");
        session.execute("COPY (SELECT 7 AS id) TO '" + root.resolve("out.csv") + "' (FORMAT csv, HEADER true)");

        assertThat(rows("SELECT id FROM read_csv('" + root + "/*.csv') ORDER BY id")).containsExactly(1L, 2L, 3L, 7L);
    }

    @Test
    void withoutDataRootsNoFileIsReadable() throws Exception {
        try (DuckDbDatabase closed = DuckDbDatabase.open(1, "256MB");
                DuckDbSession noFiles = closed.openSession(allocator)) {
            Path file = Files.writeString(root.resolve("in.csv"), "id\n1\n");
            assertThatThrownBy(() -> noFiles.query("SELECT * FROM read_csv('" + file + "')", 10, batch -> {}))
                    .hasMessageStartingWith(DENIED.formatted(file));
        }
    }

    private static String generate(String sql) {
        SourceSpec source = new GenerateSourceSpec(sql, Location.START, 1024, Location.START);
        return SourceSql.of(source);
    }

    private List<Long> rows(String sql) throws Exception {
        List<Long> values = new ArrayList<>();
        session.query(sql, 1024, batch -> {
            BigIntVector ids = (BigIntVector) batch.getVector(0);
            for (int i = 0; i < batch.getRowCount(); i++) {
                values.add(ids.get(i));
            }
        });
        return values;
    }
}
