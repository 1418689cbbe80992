package dev.skein.spec;

import static dev.skein.spec.TestingSpecs.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestSqlPositions {
    private static final String BLOCK = "SELECT a,\n       b\nFROM input\n";

    @Test
    void locatesInABlockScalar() {
        Location start = new Location(20, 7);

        assertThat(SqlPositions.locate(start, BLOCK, 1, 1)).isEqualTo(new Location(20, 7));
        assertThat(SqlPositions.locate(start, BLOCK, 2, 8)).isEqualTo(new Location(21, 14));
        assertThat(SqlPositions.locate(start, BLOCK, 3, 6)).isEqualTo(new Location(22, 12));
    }

    @Test
    void locatesOnASingleLine() {
        Location start = new Location(13, 10);
        String sql = "SELECT * FROM input WHERE value >= 25.0";

        assertThat(SqlPositions.locate(start, sql, 1, 1)).isEqualTo(new Location(13, 10));
        assertThat(SqlPositions.locate(start, sql, 1, 15)).isEqualTo(new Location(13, 24));
    }

    @Test
    void clampsPositionsPastTheEnd() {
        Location start = new Location(20, 7);

        assertThat(SqlPositions.locate(start, BLOCK, 1, 99)).isEqualTo(new Location(20, 16));
        assertThat(SqlPositions.locate(start, BLOCK, 9, 1)).isEqualTo(new Location(23, 7));
        assertThat(SqlPositions.locate(start, "SELECT 1", 2, 1)).isEqualTo(new Location(20, 15));
    }

    @Test
    void locatesCharacterOffsets() {
        Location start = new Location(20, 7);

        assertThat(SqlPositions.locateOffset(start, BLOCK, 0)).isEqualTo(new Location(20, 7));
        assertThat(SqlPositions.locateOffset(start, BLOCK, BLOCK.indexOf('b'))).isEqualTo(new Location(21, 14));
        assertThat(SqlPositions.locateOffset(start, BLOCK, BLOCK.indexOf("input"))).isEqualTo(new Location(22, 12));
        assertThat(SqlPositions.locateOffset(start, "SELECT 1\r\nFROM x", 10)).isEqualTo(new Location(21, 7));
        assertThat(SqlPositions.locateOffset(start, BLOCK, 1000)).isEqualTo(new Location(23, 7));
    }

    @Test
    void rejectsPositionsBeforeTheStart() {
        Location start = new Location(1, 1);

        assertThatThrownBy(() -> SqlPositions.locate(start, BLOCK, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SQL line and column are 1-based: 0:1");
        assertThatThrownBy(() -> SqlPositions.locateOffset(start, BLOCK, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("SQL offset is negative: -1");
    }

    @Test
    void mapsEveryCharacterOfTheW1Example() throws IOException {
        String yaml = TestSpecParser.w1();
        PipelineSpec spec = SpecParser.parse("w1.yaml", yaml, TestingSpecs.BASE_DIR);

        GenerateSourceSpec source = (GenerateSourceSpec) spec.source();
        assertMapsEveryCharacter(yaml, source.sql(), source.sqlLocation());
        for (StageSpec stage : spec.stages()) {
            SqlTransformSpec transform = (SqlTransformSpec) stage.transform();
            assertMapsEveryCharacter(yaml, transform.sql(), transform.sqlLocation());
        }
    }

    @Test
    void mapsEveryCharacterOfEachScalarStyle() {
        String yaml =
                """
                name: styles
                source:
                  type: generate
                  sql: |-   # a comment after the indicator

                    SELECT 1 AS x,
                      2 AS y

                    -- an empty first line, and an empty line inside
                stages:
                  - name: single-quoted
                    sql: &shared 'SELECT "a" AS x FROM input'
                  - name: double-quoted
                    sql: !!str "SELECT * FROM input"
                  - name: aliased
                    sql: *shared
                  - name: indented
                    sql: |2
                          SELECT *
                        FROM input
                  - name: kept
                    sql: |+
                      SELECT *

                      FROM input


                """;
        PipelineSpec spec = parse(yaml);

        GenerateSourceSpec source = (GenerateSourceSpec) spec.source();
        assertThat(source.sqlLocation()).isEqualTo(new Location(5, 5));
        assertMapsEveryCharacter(yaml, source.sql(), source.sqlLocation());
        List<Location> starts = spec.stages().stream()
                .map(stage -> ((SqlTransformSpec) stage.transform()).sqlLocation())
                .toList();
        assertThat(starts)
                .containsExactly(
                        new Location(12, 19),
                        new Location(14, 17),
                        new Location(12, 19),
                        new Location(19, 7),
                        new Location(23, 7));
        for (StageSpec stage : spec.stages()) {
            SqlTransformSpec transform = (SqlTransformSpec) stage.transform();
            assertMapsEveryCharacter(yaml, transform.sql(), transform.sqlLocation());
        }
    }

    @Test
    void mapsEveryCharacterWithWindowsLineEndings() {
        String yaml = "name: crlf\r\nsource:\r\n  type: generate\r\n  sql: |\r\n    SELECT 1 AS x,\r\n"
                + "      2 AS y\r\nstages: [{name: copy, sql: SELECT * FROM input}]\r\n";
        GenerateSourceSpec source = (GenerateSourceSpec) parse(yaml).source();

        assertThat(source.sqlLocation()).isEqualTo(new Location(5, 5));
        assertMapsEveryCharacter(yaml, source.sql(), source.sqlLocation());
    }

    /** Every character of the SQL, located in the file, is that same character. */
    private static void assertMapsEveryCharacter(String yaml, String sql, Location sqlLocation) {
        List<String> fileLines = yaml.lines().toList();
        List<String> sqlLines = sql.lines().toList();
        for (int line = 1; line <= sqlLines.size(); line++) {
            String sqlLine = sqlLines.get(line - 1);
            for (int column = 1; column <= sqlLine.length(); column++) {
                Location location = SqlPositions.locate(sqlLocation, sql, line, column);
                char inFile = fileLines.get(location.line() - 1).charAt(location.column() - 1);
                assertThat(inFile)
                        .as("SQL %d:%d at %s", line, column, location)
                        .isEqualTo(sqlLine.charAt(column - 1));
            }
        }
    }
}
