package dev.skein.worker.duckdb;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skein.spi.SkeinException;
import org.junit.jupiter.api.Test;

/** What a SQL client may send to change a worker's tables: one statement of an allowed kind. */
class TestWriteSql {
    private static final String SEVERAL = "one statement per call, got several separated by ';'";

    @Test
    void oneStatementWithSemicolonsInsideQuotesAndCommentsIsOne() {
        for (String sql : new String[] {
            "INSERT INTO t VALUES ('a;b')",
            "insert into t values ('it''s; fine');",
            "INSERT INTO \"we;ird\" VALUES (1) ;  ; -- trailing; comment",
            "/* first; */ UPDATE t SET v = $$x;y$$ WHERE id = $1",
            "  -- a comment\n DELETE FROM t WHERE v = $tag$;DROP TABLE t;$tag$",
            "WITH doomed AS (SELECT 1) DELETE FROM t"
        }) {
            assertThatCode(() -> WriteSql.check(sql)).as(sql).doesNotThrowAnyException();
        }
    }

    @Test
    void aSecondStatementIsRefused() {
        for (String sql : new String[] {
            "INSERT INTO t VALUES (1); ATTACH ':memory:' AS other",
            "DELETE FROM t WHERE v = 'x;'; DROP TABLE t",
            "UPDATE t SET v = 1 /* ; */; LOAD httpfs"
        }) {
            assertThatThrownBy(() -> WriteSql.check(sql)).as(sql).isInstanceOf(SkeinException.class).hasMessage(SEVERAL);
        }
    }

    @Test
    void statementsThatReachBeyondTheDatabaseAreRefused() {
        assertThatThrownBy(() -> WriteSql.check("  attach 'x.db'")).isInstanceOf(SkeinException.class)
                .hasMessage("statements starting with 'ATTACH' are not allowed; a SQL client may run SELECT queries and,"
                        + " on a worker started with --allow-sql-writes, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER or"
                        + " TRUNCATE");
        for (String sql : new String[] {"INSTALL httpfs", "LOAD httpfs", "COPY t TO 'x.csv'", "EXPORT DATABASE 'd'",
            "SET threads = 8", "PRAGMA version", "CALL pragma_version()", "DETACH db", "USE other", "CHECKPOINT"}) {
            assertThatThrownBy(() -> WriteSql.check(sql)).as(sql).isInstanceOf(SkeinException.class)
                    .hasMessageContaining("are not allowed");
        }
    }
}
