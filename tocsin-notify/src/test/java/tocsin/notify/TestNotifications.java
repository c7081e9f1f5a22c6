package tocsin.notify;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/** Notifications for tests: one realistic incident, varied per test with the {@code with*} helpers. */
public final class TestNotifications {

    public static final Instant CREATED = Instant.parse("2026-12-05T07:00:00Z");
    public static final Instant OCCURRED = Instant.parse("2026-12-05T07:00:05Z");

    private TestNotifications() {
    }

    public static IncidentSnapshot incident() {
        return new IncidentSnapshot("PINC042", 42, "Error rate above 5% on checkout",
                "The 5-minute error rate of POST /checkout is 5.2%, above the 5% threshold.", "PSVC001",
                "checkout-api", IncidentSnapshot.Urgency.HIGH, IncidentSnapshot.Status.TRIGGERED,
                Optional.of("5.2 %"), CREATED);
    }

    public static Links links() {
        return new Links(URI.create("https://tocsin.example.com/incidents/PINC042"),
                Optional.of(URI.create("https://tocsin.example.com/l/a.PINC042.PUSER01.1796000000.sig")),
                Optional.of(URI.create("https://tocsin.example.com/l/r.PINC042.PUSER01.1796000000.sig")),
                Optional.of(URI.create("https://tocsin.example.com/api/tocsin/twilio/voice/n-1")));
    }

    public static Notification page(Target target) {
        return new Notification(new IdempotencyKey("PINC042", 0, "PUSER01", "PCM0001"), target,
                Notification.Event.TRIGGERED, incident(), links(), OCCURRED, Optional.empty());
    }

    public static Notification withIncident(Notification n, IncidentSnapshot incident) {
        IdempotencyKey k = n.key();
        return new Notification(new IdempotencyKey(incident.id(), k.step(), k.userId(), k.contactMethodId()),
                n.target(), n.event(), incident, n.links(), n.occurredAt(), n.supersedes());
    }

    public static Notification withEvent(Notification n, Notification.Event event, IncidentSnapshot.Status status) {
        IncidentSnapshot i = n.incident();
        IncidentSnapshot changed = new IncidentSnapshot(i.id(), i.number(), i.title(), i.summary(), i.serviceId(),
                i.serviceName(), i.urgency(), status, i.triggeringValue(), i.createdAt());
        return new Notification(n.key(), n.target(), event, changed, n.links(), n.occurredAt(), n.supersedes());
    }

    public static Notification withTitle(Notification n, String title) {
        IncidentSnapshot i = n.incident();
        return withIncident(n, new IncidentSnapshot(i.id(), i.number(), title, i.summary(), i.serviceId(),
                i.serviceName(), i.urgency(), i.status(), i.triggeringValue(), i.createdAt()));
    }

    public static Notification superseding(Notification n, String providerMessageId) {
        return new Notification(n.key(), n.target(), n.event(), n.incident(), n.links(), n.occurredAt(),
                Optional.of(providerMessageId));
    }
}
