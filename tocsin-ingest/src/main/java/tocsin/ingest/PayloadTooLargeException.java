package tocsin.ingest;

/**
 * The body would decompress to more than the decoder accepts. The sender must split its payloads (Prometheus:
 * lower {@code queue_config.max_samples_per_send}).
 */
public final class PayloadTooLargeException extends IngestException {
    public PayloadTooLargeException(String message) {
        super(message, null);
    }
}
