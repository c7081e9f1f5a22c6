package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlScriptTest {

    @Test
    void splitsOnSemicolonsAndDropsComments() {
        assertThat(SqlScript.statements("""
                -- a comment; with a semicolon
                CREATE TABLE a (x INTEGER); /* block; comment */
                CREATE INDEX a_x ON a (x)
                ;
                -- trailing comment only
                """)).containsExactly("CREATE TABLE a (x INTEGER)", "CREATE INDEX a_x ON a (x)");
    }

    @Test
    void keepsSemicolonsAndCommentMarkersInsideQuotes() {
        assertThat(SqlScript.statements("INSERT INTO t VALUES ('a;b', 'it''s -- not a comment'); "
                + "SELECT \"odd;name\" FROM t"))
                .containsExactly("INSERT INTO t VALUES ('a;b', 'it''s -- not a comment')",
                        "SELECT \"odd;name\" FROM t");
    }

    @Test
    void emptyAndCommentOnlyScriptsHaveNoStatements() {
        assertThat(SqlScript.statements("")).isEmpty();
        assertThat(SqlScript.statements("-- nothing\n;\n  ;")).isEmpty();
    }

    @Test
    void unterminatedQuotesAndCommentsAreErrors() {
        assertThatThrownBy(() -> SqlScript.statements("SELECT 'open")).hasMessage("unterminated string");
        assertThatThrownBy(() -> SqlScript.statements("SELECT \"open")).hasMessage("unterminated quoted identifier");
        assertThatThrownBy(() -> SqlScript.statements("SELECT 1 /* open")).hasMessage("unterminated /* comment");
    }
}
