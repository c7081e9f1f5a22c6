package tocsin.state;

/**
 * A failure of the state database. The subclasses say what to do next:
 * {@link DatabaseUnavailableException} (fix the connection settings or start the database, then retry) and
 * {@link SchemaException} (the schema is not one this binary can use: an operator must act; retrying is pointless).
 * A plain {@code StateException} is an unexpected SQL failure during an operation.
 */
public sealed class StateException extends RuntimeException permits DatabaseUnavailableException, SchemaException {

    public StateException(String message, Throwable cause) {
        super(message, cause);
    }

    StateException(String message) {
        super(message);
    }
}
