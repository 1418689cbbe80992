package dev.skein.coordinator.binding;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestSqlStatements {
    @Test
    void splitsOnlyAtSemicolonsOutsideStringsNamesAndComments() {
        String sql =
                """
                select 'a;b', "c;d", $$e;f$$, $tag$g;h$tag$, E'it\\'s;' -- one;
                /* a /* nested; */ comment; */ ;
                insert into t values (1);
                """;

        assertThat(SqlStatements.verbs(sql)).containsExactly("SELECT", "INSERT");
    }

    @Test
    void namesTheVerbAfterCommonTableExpressions() {
        assertThat(SqlStatements.verbs("WITH t AS (SELECT 1) DELETE FROM x")).containsExactly("DELETE");
        assertThat(SqlStatements.verbs("WITH t AS (SELECT 1) SELECT * FROM t")).containsExactly("WITH");
        assertThat(SqlStatements.verbs("(SELECT 1)")).containsExactly("SELECT");
    }

    @Test
    void leavesOutStatementsWithOnlyCommentsAndKeepsParameters() {
        assertThat(SqlStatements.verbs(" ; -- nothing\n ; /* still nothing */")).isEmpty();
        assertThat(SqlStatements.verbs("SELECT $1; SELECT 2")).containsExactly("SELECT", "SELECT");
    }
}
