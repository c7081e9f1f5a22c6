package tocsin.notify;

import java.util.Objects;

/**
 * A notification the provider accepted. Accepted is not read: an SMS may still fail on the carrier's side, which
 * the provider reports later through its status callback. Immutable.
 *
 * @param providerMessageId the provider's id for what it accepted (Twilio SID, SMTP {@code Message-ID}, SNS
 *                          MessageId, Slack {@code channel/ts}, the webhook event id), recorded in the delivery log
 * @param detail            a short human note for the incident timeline (the provider's status, the HTTP status)
 */
public record Delivery(String providerMessageId, String detail) {

    public Delivery {
        Objects.requireNonNull(providerMessageId, "providerMessageId");
        Objects.requireNonNull(detail, "detail");
    }
}
