package dev.skein.coordinator.binding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skein.cluster.PreAggregation;
import dev.skein.spec.PipelineSpec;
import dev.skein.spec.SpecParser;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pre-aggregation: which final stages split, and that partial queries over three disjoint parts of
 * the input, combined, give exactly what the stage's own SQL gives over the whole input, in DuckDB.
 */
class TestAggregateSplit {
    /** Ids, 5 categories, a DECIMAL with nulls, an INTEGER, a DATE: types whose sums and mins are exact. */
    private static final String SOURCE_SQL =
            "SELECT i AS id, 'c' || (i % 5) AS category,"
            + " CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 1000)::DECIMAL(10,2) / 4 END AS amount,"
            + " (i % 13)::INTEGER AS small, DATE '2026-01-01' + (i % 40)::INTEGER AS day FROM range(10000) t(i)";

    private static SqlBinder binder;
    private static Connection duckDb;

    @BeforeAll
    static void open() throws SQLException {
        binder = SqlBinder.open();
        duckDb = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = duckDb.createStatement()) {
            statement.execute("CREATE TABLE source AS " + SOURCE_SQL);
        }
    }

    @AfterAll
    static void close() throws SQLException {
        binder.close();
        duckDb.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT category, count(*) AS n, count(amount) AS c, sum(amount) AS s, min(day) AS first_day,"
                + " max(day) AS last_day, avg(small) AS mean, sum(small) AS total FROM input GROUP BY category"
                + " ORDER BY category",
        "SELECT count(*) AS n, sum(small) AS s, max(amount) AS top FROM input WHERE amount > 100",
        "SELECT category, sum(amount) / count(*) AS per_row FROM input GROUP BY category"
                + " HAVING count(*) > 1990 ORDER BY per_row DESC LIMIT 3",
        "SELECT category, small, count(*) + 1 AS n1 FROM input WHERE category <> 'c0' GROUP BY category, small",
        "SELECT count(*) AS n, min(day) AS d FROM input WHERE id < 0",
    })
    void splitQueriesGiveTheWholeQuerysRows(String sql) throws SQLException {
        Optional<PreAggregation> split = splitOf(sql);

        assertThat(split).as("split of %s", sql).isPresent();
        List<List<Object>> whole = rows(sql.replace("FROM input", "FROM source"));
        try (Statement statement = duckDb.createStatement()) {
            statement.execute("CREATE OR REPLACE TABLE partials AS "
                    + partialOver("(SELECT * FROM source WHERE id % 3 = 0)", split.get())
                    + " UNION ALL " + partialOver("(SELECT * FROM source WHERE id % 3 = 1)", split.get())
                    + " UNION ALL " + partialOver("(SELECT * FROM source WHERE id % 3 = 2)", split.get()));
        }
        List<List<Object>> combined = rows(split.get().combineSql().replace("FROM \"input\"", "FROM partials"));
        if (sql.contains("ORDER BY")) {
            assertThat(combined).isEqualTo(whole);
        } else {
            assertThat(combined).containsExactlyInAnyOrderElementsOf(whole);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT category, median(amount) AS m FROM input GROUP BY category",
        "SELECT category, count(DISTINCT small) AS k FROM input GROUP BY category",
        "SELECT category, sum(small) FILTER (WHERE small > 3) AS s FROM input GROUP BY category",
        "SELECT category, string_agg(category, ',') AS l FROM input GROUP BY category",
        "SELECT category, sum(small) OVER (PARTITION BY category) AS s FROM input",
        "SELECT * FROM input ORDER BY id",
        "SELECT small % 3 AS k, count(*) AS n FROM input GROUP BY small % 3",
        "SELECT DISTINCT category FROM input",
        "SELECT category, count(*) AS n FROM input GROUP BY ALL",
        "SELECT category, count(*) AS n FROM input GROUP BY GROUPING SETS ((category), ())",
        "SELECT category, (SELECT 1) + count(*) AS n FROM input GROUP BY category",
    })
    void queriesThatCannotBeCombinedStayWhole(String sql) {
        assertThat(splitOf(sql)).as("split of %s", sql).isEmpty();
    }

    @Test
    void w1TotalsSplitIntoDuckDbsOwnPrintedSql() {
        Optional<PreAggregation> split = splitOf("SELECT category, count(*) AS n, sum(amount) AS s,"
                + " min(day) AS d_min, max(day) AS d_max FROM input GROUP BY category ORDER BY category");

        assertThat(split).hasValueSatisfying(s -> {
            assertThat(s.stage()).isEqualTo(2);
            assertThat(s.partialSql()).isEqualTo("SELECT \"category\", count_star() AS \"skein_partial_0\","
                    + " sum(amount) AS \"skein_partial_1\", min(\"day\") AS \"skein_partial_2\","
                    + " max(\"day\") AS \"skein_partial_3\" FROM input GROUP BY \"category\"");
            assertThat(s.combineSql()).isEqualTo("SELECT category, CAST(sum(skein_partial_0) AS BIGINT) AS n,"
                    + " sum(skein_partial_1) AS s, min(skein_partial_2) AS d_min, max(skein_partial_3) AS d_max"
                    + " FROM \"input\" GROUP BY category ORDER BY category");
        });
    }

    @Test
    void aHashPartitionedFinalStageSplitsOnlyWhenItGroupsByItsPartitionKeys() {
        String grouped = "SELECT category, count(*) AS n FROM input GROUP BY category";
        String global = "SELECT count(*) AS n FROM input";

        assertThat(binder.splitAggregates(binder.bind(spec(grouped, "parallelism: 2\n    partition-by: [category]"))))
                .hasSize(1);
        assertThat(binder.splitAggregates(binder.bind(spec(global, "parallelism: 2\n    partition-by: [category]"))))
                .isEmpty();
        // round-robin into two final tasks: each task's result depends on which raw batches it got
        assertThat(binder.splitAggregates(binder.bind(spec(grouped, "parallelism: 2")))).isEmpty();
    }

    private Optional<PreAggregation> splitOf(String sql) {
        List<PreAggregation> splits = binder.splitAggregates(binder.bind(spec(sql, "parallelism: 1")));
        return splits.stream().findFirst();
    }

    private static PipelineSpec spec(String finalSql, String finalOptions) {
        String yaml = """
                name: p
                source:
                  type: generate
                  sql: "%s"
                stages:
                  - name: spread
                    sql: SELECT * FROM input
                    parallelism: 3
                  - name: totals
                    mode: final
                    sql: "%s"
                    %s
                """.formatted(SOURCE_SQL, finalSql, finalOptions);
        return SpecParser.parse("p.yaml", yaml, Path.of("/tmp"));
    }

    private static String partialOver(String relation, PreAggregation split) {
        return "(" + split.partialSql().replace("FROM input", "FROM " + relation) + ")";
    }

    private List<List<Object>> rows(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement statement = duckDb.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
