package dev.skein.coordinator.binding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.spec.DataRoots;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SpecParser;
import dev.skein.spi.plugin.TransformLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestSqlBinderFileSources {
    private static final String ROWS =
            "SELECT range AS id, 'c' || range AS name, (range / 4)::DECIMAL(10,2) AS amount FROM range(3)";

    @TempDir
    Path directory;

    private SqlBinder binder;

    @BeforeEach
    void openBinder() {
        binder = SqlBinder.open(TransformLoader.classPathOnly(), DataRoots.of(List.of(directory)));
    }

    @AfterEach
    void closeBinder() {
        binder.close();
    }

    @Test
    void bindsAParquetFileWithItsStoredTypes() throws Exception {
        write("COPY (" + ROWS + ") TO '" + directory.resolve("rows.parquet") + "' (FORMAT parquet)");

        BoundPipeline bound = binder.bind(parse("parquet", "rows.parquet"));

        assertThat(bound.sourceColumns())
                .containsExactly(
                        new BoundColumn("id", "BIGINT"),
                        new BoundColumn("name", "VARCHAR"),
                        new BoundColumn("amount", "DECIMAL(10,2)"));
        assertThat(bound.outputOf("filter")).isEqualTo(bound.sourceColumns());
    }

    @Test
    void readsEveryParquetFileInADirectoryWhoseNameHasAQuote() throws Exception {
        Path data = Files.createDirectory(directory.resolve("it's data"));
        write("COPY (" + ROWS + ") TO '"
                + data.resolve("part-0.parquet").toString().replace("'", "''") + "' (FORMAT parquet)");

        BoundPipeline bound = binder.bind(parse("parquet", "\"it's data\""));

        assertThat(bound.sourceColumns()).extracting(BoundColumn::name).containsExactly("id", "name", "amount");
    }

    @Test
    void bindsACsvFileWithTheTypesDuckDbSniffs() throws Exception {
        Files.writeString(
                directory.resolve("rows.csv"), "id,name,amount,day\n1,a,2.5,2026-01-01\n2,b,3.25,2026-01-02\n");

        BoundPipeline bound = binder.bind(parse("csv", "rows.csv"));

        assertThat(bound.sourceColumns())
                .containsExactly(
                        new BoundColumn("id", "BIGINT"),
                        new BoundColumn("name", "VARCHAR"),
                        new BoundColumn("amount", "DOUBLE"),
                        new BoundColumn("day", "DATE"));
    }

    @Test
    void reportsAMissingParquetFileAtItsPath() {
        String missing = directory.resolve("data/missing.parquet").toString();

        TestingProblems.assertBindingFails(
                binder,
                parse("parquet", "data/missing.parquet"),
                "p.yaml:4:9: error: source: IO Error: No files found that match the pattern \"" + missing + "\"");
    }

    @Test
    void skipsTheStagesWhenTheSourceDoesNotBind() {
        TestingProblems.assertBindingFails(
                binder,
                SpecParser.parse(
                        "p.yaml",
                        """
                        name: p
                        source:
                          type: csv
                          path: missing.csv
                        stages:
                          - name: filter
                            sql: SELECT * FROM nowhere
                        """,
                        directory),
                "p.yaml:4:9: error: source: IO Error: No files found that match the pattern \""
                        + directory.resolve("missing.csv") + "\"");
    }

    /** A pipeline reading {@code path} (YAML text, relative to the test's directory) on line 4 column 9. */
    private PipelineSpec parse(String type, String path) {
        return SpecParser.parse(
                "p.yaml",
                """
                name: p
                source:
                  type: %s
                  path: %s
                stages:
                  - name: filter
                    sql: SELECT * FROM input
                """
                        .formatted(type, path),
                directory);
    }

    private static void write(String copy) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute(copy);
        }
    }
}
