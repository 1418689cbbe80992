package dev.skein.coordinator.binding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.coordinator.binding.DuckDbError.SqlPosition;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Takes apart the messages the linked DuckDB really produces. */
class TestDuckDbError {
    private Connection connection;

    @BeforeEach
    void createInput() throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE input (id BIGINT, category VARCHAR, value DOUBLE)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void findsTheCaretOnTheLineItNames() {
        DuckDbError error = errorOf("SELECT *\nFROM input\nWHERE valu >= 25.0");

        assertThat(error.headline()).isEqualTo("Binder Error: Referenced column \"valu\" not found in FROM clause!");
        assertThat(error.position()).contains(new SqlPosition(3, 7));
        assertThat(error.missingColumn()).contains("valu");
    }

    @Test
    void findsTheCaretInALineCutAtBothEnds() {
        String filler = "category <> 'a literal long enough to make DuckDB cut the line' AND ";
        String sql = "SELECT * FROM input WHERE " + filler + "valu > 1 AND " + filler + "true";

        assertThat(errorOf(sql).position()).contains(new SqlPosition(1, sql.indexOf("valu") + 1));
    }

    @Test
    void countsWideCharactersAsTwoCellsAndCombiningMarksAsNone() {
        String wide = "SELECT *\nFROM input\nWHERE category <> '" + "日本語".repeat(8) + "' AND valu >= 1";
        String emoji = "SELECT '\uD83D\uDE00' AS j, valu FROM input";
        String combining = "SELECT 'e\u0301' AS j, valu FROM input";

        assertThat(errorOf(wide).position()).contains(new SqlPosition(3, 50));
        assertThat(errorOf(emoji).position()).contains(new SqlPosition(1, 18));
        assertThat(errorOf(combining).position()).contains(new SqlPosition(1, 19));
    }

    @Test
    void quotesCharactersOutsideTheBasicPlaneAsWritten() {
        DuckDbError error = errorOf("SELECT \"col\uD83D\uDE00\" FROM input");

        assertThat(error.headline())
                .isEqualTo("Binder Error: Referenced column \"col\uD83D\uDE00\" not found in FROM clause!");
        assertThat(error.missingColumn()).contains("col\uD83D\uDE00");
    }

    @Test
    void recognizesAColumnMissingFromInputOnlyWhenItIsUnqualifiedOrQualifiedWithInput() {
        assertThat(errorOf("SELECT input.valu FROM input").missingColumn()).contains("valu");
        assertThat(errorOf("SELECT i.valu FROM input i").missingColumn()).isEmpty();
        assertThat(errorOf("SELECT nosuchfn(value) FROM input").missingColumn()).isEmpty();
    }

    @Test
    void keepsTheFirstLineOfAMessageWithoutContext() {
        DuckDbError error = DuckDbError.parse("Invalid Input Error: no position here\nsecond line", "SELECT 1");

        assertThat(error).isEqualTo(new DuckDbError("Invalid Input Error: no position here", Optional.empty()));
    }

    private DuckDbError errorOf(String sql) {
        try {
            connection.prepareStatement(sql).close();
        } catch (SQLException e) {
            return DuckDbError.parse(e.getMessage(), sql);
        }
        throw new AssertionError("DuckDB prepared " + sql);
    }
}
