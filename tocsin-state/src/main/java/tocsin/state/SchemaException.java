package tocsin.state;

/**
 * The database schema cannot be used by this binary: it was written by a newer Tocsin, an applied migration differs
 * from the one shipped, or a migration failed. Startup must stop; the message says what the operator can do.
 */
public final class SchemaException extends StateException {

    public SchemaException(String message) {
        super(message);
    }

    public SchemaException(String message, Throwable cause) {
        super(message, cause);
    }
}
