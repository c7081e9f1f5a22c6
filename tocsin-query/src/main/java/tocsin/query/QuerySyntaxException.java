package tocsin.query;

/**
 * A query whose text does not parse or names something that does not exist (function, aggregator, modifier), with
 * the 1-based column where the problem starts and what was expected there, e.g. {@code expected '}' or ',' at column
 * 27, found end of query}.
 */
public final class QuerySyntaxException extends QueryException {
    private final int column;

    /**
     * @param problem what is wrong, without the position ({@code expected '}' or ','})
     * @param column  1-based column in the query text
     * @param found   what is at that column, in words ({@code end of query}, {@code 'by'}), or null to omit
     */
    public QuerySyntaxException(String problem, int column, String found) {
        super(problem + " at column " + column + (found == null ? "" : ", found " + found));
        this.column = column;
    }

    private QuerySyntaxException(String message, int column) {
        super(message);
        this.column = column;
    }

    /**
     * A syntax error whose message is already worded in the dialect of its language, for languages whose clients
     * expect their own wording, such as PromQL's {@code 1:5: parse error: unexpected end of input}.
     *
     * @param message the whole message, position included
     * @param column  1-based column in the query text
     */
    public static QuerySyntaxException worded(String message, int column) {
        return new QuerySyntaxException(message, column);
    }

    /** The 1-based column in the query text where the problem starts. */
    public int column() {
        return column;
    }
}
