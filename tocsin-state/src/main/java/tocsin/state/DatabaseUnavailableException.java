package tocsin.state;

/**
 * The database cannot be reached or refuses this client. The message names the server ({@code host:port}) and what
 * to check; it never contains a password. Retrying later may succeed.
 */
public final class DatabaseUnavailableException extends StateException {

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
