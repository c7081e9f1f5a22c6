package tocsin.monitor.query;

/**
 * A monitor query that does not parse, with the 1-based column where the problem starts and what was expected there
 * ({@code expected a comparator (>, >=, < or <=) at column 31, found end of query}), as Datadog's validation
 * reports them.
 */
public final class MonitorQueryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int column;

    MonitorQueryException(String message, int column) {
        super(message, null, false, false);
        this.column = column;
    }

    /** The 1-based column in the query text. */
    public int column() {
        return column;
    }
}
