package tocsin.tsdb;

/**
 * Why the store could not do what was asked, by what the caller should do next: retry later
 * ({@link TsdbWriteException}) or fix the data directory and open again ({@link TsdbOpenException}).
 */
public sealed class TsdbException extends RuntimeException permits TsdbWriteException, TsdbOpenException {
    TsdbException(String message, Throwable cause) {
        super(message, cause);
    }
}
