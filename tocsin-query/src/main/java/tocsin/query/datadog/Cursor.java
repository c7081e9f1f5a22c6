package tocsin.query.datadog;

import tocsin.query.QuerySyntaxException;

/**
 * A position in the query text, with the error helpers the parsers share: every error names the 1-based column and
 * what was found there. Not thread-safe: one per parse.
 */
final class Cursor {
    final String text;
    int pos;

    Cursor(String text) {
        this.text = text;
    }

    boolean atEnd() {
        return pos >= text.length();
    }

    char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    char peekAt(int offset) {
        int i = pos + offset;
        return i < text.length() ? text.charAt(i) : '\0';
    }

    void skipWs() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    /** Consumes {@code c} if it is next, without skipping whitespace. */
    boolean eat(char c) {
        if (peek() == c && !atEnd()) {
            pos++;
            return true;
        }
        return false;
    }

    /** Skips whitespace, then consumes {@code c} or fails with "expected {@code expected}". */
    void expect(char c, String expected) {
        skipWs();
        if (!eat(c)) {
            throw error("expected " + expected);
        }
    }

    /** Whether the next word is {@code word} (case-insensitive) and ends there. */
    boolean atKeyword(String word) {
        if (!text.regionMatches(true, pos, word, 0, word.length())) {
            return false;
        }
        int after = pos + word.length();
        return after >= text.length() || !isWordChar(text.charAt(after));
    }

    /** Reads a run of {@code [A-Za-z0-9_.]}: metric names, function names, aggregators. */
    String readName() {
        int start = pos;
        while (pos < text.length() && isNameChar(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    QuerySyntaxException error(String problem) {
        return errorAt(problem, pos);
    }

    QuerySyntaxException errorAt(String problem, int at) {
        return new QuerySyntaxException(problem, at + 1, foundAt(at));
    }

    /** What is at {@code at}, in words: {@code end of query}, a quoted word, or a quoted character. */
    String foundAt(int at) {
        if (at >= text.length()) {
            return "end of query";
        }
        char first = text.charAt(at);
        if (first == '\'' || first == '"') {
            int close = text.indexOf(first, at + 1);
            return text.substring(at, close < 0 ? text.length() : close + 1);
        }
        int end = at;
        while (end < text.length() && isWordChar(text.charAt(end))) {
            end++;
        }
        return "'" + (end > at ? text.substring(at, end) : String.valueOf(text.charAt(at))) + "'";
    }

    static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isNameChar(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9') || c == '.';
    }

    /** Characters of a word as errors quote it and keywords end at: names plus the tag punctuation. */
    static boolean isWordChar(char c) {
        return isNameChar(c) || c == ':' || c == '-' || c == '/' || c == '*' || c == '@';
    }
}
