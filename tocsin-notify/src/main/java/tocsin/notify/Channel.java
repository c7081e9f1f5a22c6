package tocsin.notify;

/**
 * Delivers notifications of one {@link Target.Kind}. Implementations are thread-safe: the dispatcher calls
 * {@link #send} from many virtual threads at once. A channel never retries by itself (the dispatcher does, with a
 * {@link RetryPolicy}, and records each attempt), and every call is bounded in time by the channel's timeouts.
 */
public interface Channel {

    /** The target kind this channel delivers. */
    Target.Kind kind();

    /**
     * Sends one notification.
     *
     * @return the provider's acceptance
     * @throws RetryableDeliveryException when the same request may succeed later (timeouts, 5xx, throttling,
     *                                    connection refused, SMTP 4xx)
     * @throws PermanentDeliveryException when it never will (bad address, rejected credentials, 4xx, SMTP 5xx)
     * @throws IllegalArgumentException   when the notification's target is not of {@link #kind()}
     */
    Delivery send(Notification notification) throws DeliveryException;

    /**
     * Sends one {@link Notice} (a digest of held pages, an on-call handoff). Channels that reach people directly
     * (e-mail, SMS, voice) implement it; the default refuses permanently, so the dispatcher records why.
     *
     * @throws RetryableDeliveryException as for {@link #send}
     * @throws PermanentDeliveryException as for {@link #send}, and when this channel carries no notices
     */
    default Delivery sendNotice(Notice notice) throws DeliveryException {
        throw new PermanentDeliveryException("notice_unsupported", kind() + " channels carry only incident "
                + "notifications, not digests or handoff notices");
    }

    /**
     * Guards {@link #send}: the dispatcher routes by kind, so a target of another kind is a programming error.
     *
     * @throws IllegalArgumentException when the notification's target is not of {@link #kind()}
     */
    default void requireOwnKind(Notification notification) {
        requireOwnKind(notification.target());
    }

    /**
     * Guards {@link #sendNotice}.
     *
     * @throws IllegalArgumentException when the target is not of {@link #kind()}
     */
    default void requireOwnKind(Target target) {
        if (target.kind() != kind()) {
            throw new IllegalArgumentException("a " + kind() + " channel cannot deliver to " + target);
        }
    }
}
