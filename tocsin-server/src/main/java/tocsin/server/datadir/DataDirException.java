package tocsin.server.datadir;

/** The data directory cannot be used; the message tells the operator why and what to do. */
public final class DataDirException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataDirException(String message) {
        super(message);
    }
}
