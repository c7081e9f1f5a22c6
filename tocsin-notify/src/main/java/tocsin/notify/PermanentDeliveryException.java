package tocsin.notify;

/**
 * The notification can never be delivered as it is (invalid address, rejected credentials, a 4xx other than 408 and
 * 429, SMTP 5xx). The dispatcher stops, records the failure and moves on to the user's next contact method.
 */
public final class PermanentDeliveryException extends DeliveryException {

    public PermanentDeliveryException(String reason, String message) {
        this(reason, message, null);
    }

    public PermanentDeliveryException(String reason, String message, Throwable cause) {
        super(reason, message, cause);
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
