package tocsin.notify;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The module's front door for the dispatcher: the configured channels by target kind. {@link #send} routes a
 * notification to its channel; a kind with no configured channel (Twilio not set up, say) is a permanent failure,
 * so the dispatcher moves on to the user's next contact method instead of retrying. Immutable and thread-safe.
 */
public final class Channels {

    private final Map<Target.Kind, Channel> byKind;

    private Channels(Map<Target.Kind, Channel> byKind) {
        this.byKind = byKind;
    }

    /**
     * @throws IllegalArgumentException when two channels deliver the same kind (SMS through Twilio and SNS at once:
     *                                  pick one)
     */
    public static Channels of(Collection<? extends Channel> channels) {
        Map<Target.Kind, Channel> map = new EnumMap<>(Target.Kind.class);
        for (Channel c : channels) {
            Channel previous = map.putIfAbsent(c.kind(), c);
            if (previous != null) {
                throw new IllegalArgumentException("two channels deliver " + c.kind() + ": "
                        + previous.getClass().getSimpleName() + " and " + c.getClass().getSimpleName());
            }
        }
        return new Channels(map);
    }

    /** The kinds that can be delivered. */
    public Set<Target.Kind> kinds() {
        return Set.copyOf(byKind.keySet());
    }

    public Optional<Channel> channel(Target.Kind kind) {
        return Optional.ofNullable(byKind.get(kind));
    }

    /** Sends through the channel for the notification's target kind. */
    public Delivery send(Notification n) throws DeliveryException {
        return require(n.target().kind()).send(n);
    }

    /** Sends a notice (a digest, a handoff) through the channel for its target kind. */
    public Delivery sendNotice(Notice n) throws DeliveryException {
        return require(n.target().kind()).sendNotice(n);
    }

    private Channel require(Target.Kind kind) throws PermanentDeliveryException {
        Channel c = byKind.get(kind);
        if (c == null) {
            throw new PermanentDeliveryException("channel_not_configured", "no channel delivers "
                    + kind + " here: configure it under notify: in the configuration file");
        }
        return c;
    }
}
