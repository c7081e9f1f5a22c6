package tocsin.notify.template;

import java.net.URI;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import tocsin.notify.Notice;
import tocsin.notify.Target;

/**
 * The words of an on-call handoff notification, in every medium: who goes on or off call for which schedule and
 * when (in the person's time zone), with a link to the schedule. Stateless.
 *
 * <p>Shape: {@code Tocsin: you are on call for Primary from Sat 5 Dec 09:00 CET. https://t.example/schedules/PX}.
 */
public final class HandoffTemplate {

    static final int MAX_SCHEDULE = 40;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE d MMM HH:mm zzz", Locale.ENGLISH);

    private HandoffTemplate() {
    }

    /**
     * The notice to {@code target} that its person goes on call ({@code on}) or off call for {@code scheduleName}
     * {@code at}.
     *
     * @param key the idempotency key: the handoff's, for this contact method
     */
    public static Notice notice(String key, Target target, boolean on, String scheduleName, ZonedDateTime at,
                                URI schedulePage) {
        String schedule = Wording.truncate(Gsm7.normalize(Wording.oneLine(scheduleName)), MAX_SCHEDULE);
        String when = WHEN.format(at.getZone().normalized().equals(java.time.ZoneOffset.UTC)
                ? at.withZoneSameInstant(java.time.ZoneId.of("UTC")) : at);
        String what = on ? "you are on call for " + schedule + " from " + when
                : "your on-call shift for " + schedule + " ended at " + when;
        String subject = "[Tocsin] " + capitalized(what);
        String text = capitalized(what) + ".\n\nSchedule: " + schedulePage + "\n\n-- \nSent by Tocsin: an escalation "
                + "policy that pages this schedule asks for on-call handoff notifications.\n";
        String spoken = "This is Tocsin. " + (on ? "You are now on call for " + schedule + "."
                : "Your on-call shift for " + schedule + " has ended.");
        return new Notice(key, target, subject, text, "Tocsin: " + what + ". " + schedulePage, spoken);
    }

    private static String capitalized(String s) {
        return s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
