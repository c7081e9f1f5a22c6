package tocsin.notify.template;

import tocsin.notify.Channel;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Notice;
import tocsin.notify.Notification;
import tocsin.notify.Target;

/**
 * A channel that delivers plain text messages to phone numbers (Twilio, SNS): a notification as its
 * {@link SmsTemplate} text, a notice as its short form. Implementations only say how one text is sent, and are
 * thread-safe.
 */
public interface SmsChannel extends Channel {

    /** Sends {@code body} to the target's E.164 number. */
    Delivery text(Target target, String body) throws DeliveryException;

    @Override
    default Delivery send(Notification n) throws DeliveryException {
        requireOwnKind(n);
        return text(n.target(), SmsTemplate.render(n).text());
    }

    @Override
    default Delivery sendNotice(Notice n) throws DeliveryException {
        requireOwnKind(n.target());
        return text(n.target(), n.sms());
    }
}
