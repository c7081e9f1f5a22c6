package tocsin.state;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a migration script into statements, because JDBC drivers (SQLite's in particular) run one statement per
 * call. Statements end with {@code ;}. Quoted strings and identifiers and {@code --} and {@code /* *}{@code /}
 * comments are honoured; dollar-quoted bodies ({@code $$ ... $$}) are not, so migrations must not define functions
 * with them.
 */
final class SqlScript {

    private SqlScript() {
    }

    /** The statements of {@code script}, trimmed, without the terminating {@code ;}; comment-only parts dropped. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean hasCode = false;
        int i = 0;
        int n = script.length();
        while (i < n) {
            char c = script.charAt(i);
            if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
                int end = script.indexOf('\n', i);
                i = end < 0 ? n : end;
                continue;
            }
            if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
                int end = script.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated /* comment");
                }
                i = end + 2;
                current.append(' ');
                continue;
            }
            if (c == '\'' || c == '"') {
                int end = closingQuote(script, i, c);
                current.append(script, i, end + 1);
                hasCode = true;
                i = end + 1;
                continue;
            }
            if (c == ';') {
                if (hasCode) {
                    statements.add(current.toString().strip());
                }
                current.setLength(0);
                hasCode = false;
                i++;
                continue;
            }
            current.append(c);
            hasCode |= !Character.isWhitespace(c);
            i++;
        }
        if (hasCode) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    /** Index of the quote closing the one at {@code start}; a doubled quote is an escaped one. */
    private static int closingQuote(String script, int start, char quote) {
        int i = start + 1;
        while (i < script.length()) {
            if (script.charAt(i) == quote) {
                if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        throw new IllegalArgumentException("unterminated " + (quote == '\'' ? "string" : "quoted identifier"));
    }
}
