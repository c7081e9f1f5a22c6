package tocsin.query.promql;

import tocsin.query.QuerySyntaxException;

/**
 * A parse problem at a 0-based character range, before it is worded with its line and column for the caller by
 * {@link #toException}. Internal to the parser: what leaves the package is a {@link QuerySyntaxException}.
 */
final class ParseError extends RuntimeException {
    final int start;
    final int end;

    ParseError(int start, int end, String message) {
        super(message, null, false, false);
        this.start = start;
        this.end = end;
    }

    /** As Prometheus words it: {@code 1:5: parse error: unexpected end of input}, line and column 1-based. */
    QuerySyntaxException toException(String query) {
        int pos = Math.max(0, Math.min(start, query.length()));
        int line = 1;
        int lastBreak = -1;
        for (int i = 0; i < pos; i++) {
            if (query.charAt(i) == '\n') {
                line++;
                lastBreak = i;
            }
        }
        int column = pos - lastBreak;
        return QuerySyntaxException.worded(line + ":" + column + ": parse error: " + getMessage(), column);
    }
}
