package tocsin.state;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import tocsin.notify.Channel;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Notice;
import tocsin.notify.Notification;
import tocsin.notify.Target;

/** A channel that fails as scripted, then succeeds; records what it delivered. Thread-safe. */
final class ScriptedChannel implements Channel {
    private final Target.Kind kind;
    final List<Notification> sent = new CopyOnWriteArrayList<>();
    final List<Notice> notices = new CopyOnWriteArrayList<>();
    final Deque<DeliveryException> failures = new ArrayDeque<>();
    volatile int calls;

    ScriptedChannel(Target.Kind kind) {
        this.kind = kind;
    }

    @Override
    public Target.Kind kind() {
        return kind;
    }

    @Override
    public synchronized Delivery send(Notification n) throws DeliveryException {
        requireOwnKind(n);
        calls++;
        DeliveryException f = failures.poll();
        if (f != null) {
            throw f;
        }
        sent.add(n);
        return new Delivery(kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + sent.size(), "accepted");
    }

    @Override
    public synchronized Delivery sendNotice(Notice n) throws DeliveryException {
        requireOwnKind(n.target());
        calls++;
        DeliveryException f = failures.poll();
        if (f != null) {
            throw f;
        }
        notices.add(n);
        return new Delivery(kind.name().toLowerCase(java.util.Locale.ROOT) + "-notice-" + notices.size(),
                "accepted");
    }
}
