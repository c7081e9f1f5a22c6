package tocsin.state;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Target;
import tocsin.notify.dispatch.Recipients;
import tocsin.oncall.directory.ContactMethod;
import tocsin.oncall.directory.NotificationRule;
import tocsin.oncall.directory.PeopleStore;

/**
 * {@link Recipients} from the on-call directory: a person's PagerDuty notification rules (those of the urgency and
 * those of {@code any}) and contact methods. E-mail goes to the address; SMS and phone to the E.164 number (SMS and
 * voice channels); push notifications have no channel. On-call handoffs go to every e-mail and SMS contact method.
 * Thread-safe: reads the store on every call.
 */
final class DirectoryRecipients implements Recipients {

    private final PeopleStore people;

    DirectoryRecipients(PeopleStore people) {
        this.people = people;
    }

    @Override
    public List<Rule> rules(String userId, IncidentSnapshot.Urgency urgency) {
        NotificationRule.Urgency u = urgency == IncidentSnapshot.Urgency.LOW ? NotificationRule.Urgency.LOW
                : NotificationRule.Urgency.HIGH;
        return people.notificationRules(userId, u).stream()
                .map(r -> new Rule(r.id(), r.contactMethodId(), Duration.ofMinutes(r.startDelayInMinutes())))
                .toList();
    }

    @Override
    public Optional<Target> target(String userId, String contactMethodId) {
        return people.contactMethod(userId, contactMethodId).map(DirectoryRecipients::target);
    }

    @Override
    public List<String> handoffContactMethods(String userId) {
        return people.contactMethods(userId).stream()
                .filter(m -> m.type() == ContactMethod.Type.EMAIL || m.type() == ContactMethod.Type.SMS)
                .sorted(java.util.Comparator.comparing(ContactMethod::createdAt).thenComparing(ContactMethod::id))
                .map(ContactMethod::id).toList();
    }

    static Target target(ContactMethod m) {
        return switch (m.type()) {
            case EMAIL -> Target.of(Target.Kind.EMAIL, m.address());
            case SMS -> Target.of(Target.Kind.SMS, m.e164());
            case PHONE -> Target.of(Target.Kind.VOICE, m.e164());
            case PUSH_NOTIFICATION -> throw new IllegalArgumentException("push notifications have no channel in "
                    + "Tocsin; use an e-mail, SMS or phone contact method");
        };
    }
}
