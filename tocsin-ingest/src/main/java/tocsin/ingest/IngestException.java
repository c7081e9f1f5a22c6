package tocsin.ingest;

/**
 * A payload that cannot be decoded as a whole. Items that are individually wrong inside a readable payload are never
 * thrown: they come back as {@link tocsin.core.metric.Rejection}s in an {@link IngestResult}.
 *
 * <p>Both kinds are permanent for the payload that caused them: resending the same bytes fails the same way.
 * The server answers {@link MalformedPayloadException} with 400 and {@link PayloadTooLargeException} with 413.
 */
public abstract sealed class IngestException extends Exception
        permits MalformedPayloadException, PayloadTooLargeException {

    protected IngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
