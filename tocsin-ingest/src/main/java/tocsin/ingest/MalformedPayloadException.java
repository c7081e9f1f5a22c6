package tocsin.ingest;

/**
 * The body is not the format the endpoint speaks (broken JSON, truncated protobuf, corrupt snappy block, wrong
 * top-level shape). The message names where it broke: line and column for JSON, byte offset for protobuf. The sender
 * must fix its encoder; retrying the same body cannot succeed.
 */
public final class MalformedPayloadException extends IngestException {
    public MalformedPayloadException(String message) {
        super(message, null);
    }

    public MalformedPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
