package tocsin.tsdb;

/**
 * The data directory cannot be opened: it is not writable, it is locked by another process, or it holds files of a
 * newer format version. The message names the file and what to do about it.
 */
public final class TsdbOpenException extends TsdbException {
    TsdbOpenException(String message, Throwable cause) {
        super(message, cause);
    }
}
