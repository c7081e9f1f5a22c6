package tocsin.notify.noise;

import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notice;
import tocsin.notify.Target;
import tocsin.notify.template.Gsm7;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One message that stands for many: when a user's rate limit holds back pages during a storm, the dispatcher sends
 * this instead, once the limit allows. Highest urgency and newest first; as many incidents as fit, then a count of
 * the rest and the link to the incident list. An incident held twice (two escalation steps) is listed once.
 * Immutable.
 *
 * @param incidents the incidents held back (at least one)
 * @param listPage  the page listing open incidents
 */
public record Digest(List<IncidentSnapshot> incidents, URI listPage) {

    public Digest {
        Objects.requireNonNull(listPage, "listPage");
        if (incidents == null || incidents.isEmpty()) {
            throw new IllegalArgumentException("a digest needs at least one incident");
        }
        incidents = incidents.stream()
                .collect(java.util.stream.Collectors.toMap(IncidentSnapshot::id, i -> i, (a, b) -> a,
                        java.util.LinkedHashMap::new)).values().stream()
                .sorted(Comparator.comparing(IncidentSnapshot::urgency)
                        .thenComparing(IncidentSnapshot::createdAt, Comparator.reverseOrder()))
                .toList();
    }

    /** The SMS form: within one GSM-7 segment when the titles are GSM-7 ({@code maxLength} 160), else longer. */
    public String sms(int maxLength) {
        long high = incidents.stream().filter(i -> i.urgency() == IncidentSnapshot.Urgency.HIGH).count();
        String head = "Tocsin: " + incidents.size() + (incidents.size() == 1 ? " incident" : " incidents")
                + (high > 0 ? " (" + high + " high)" : "") + ":";
        String tail = " " + listPage;
        StringBuilder items = new StringBuilder();
        int shown = 0;
        for (IncidentSnapshot i : incidents) {
            String item = " #" + i.number() + " " + Gsm7.normalize(i.serviceName().strip()) + ";";
            String more = " +" + (incidents.size() - shown - 1) + " more";
            int room = maxLength - head.length() - tail.length() - (shown + 1 < incidents.size() ? more.length() : 0);
            if (items.length() + item.length() > room) {
                break;
            }
            items.append(item);
            shown++;
        }
        String rest = shown < incidents.size() ? " +" + (incidents.size() - shown) + " more" : "";
        return head + items + rest + tail;
    }

    /** The plain-text form for e-mail and chat: one line per incident, each followed by the link to its page. */
    public String text() {
        StringBuilder sb = new StringBuilder(incidents.size() + " incidents were held back to spare you a storm of "
                + "pages:\n\n");
        for (IncidentSnapshot i : incidents) {
            sb.append("#").append(i.number()).append(' ').append(i.urgency().wireName()).append(' ')
                    .append(i.serviceName().strip()).append(": ").append(i.title().strip().replaceAll("\\s+", " "))
                    .append(" [").append(i.status().wireName()).append("]\n    ").append(listPage).append('/')
                    .append(i.id()).append('\n');
        }
        return sb.append("\nAll open incidents: ").append(listPage).append('\n').toString();
    }

    /** Services named in the subject and the call before "and N more". */
    static final int NAMED_SERVICES = 3;
    static final int MAX_SPOKEN_TITLE = 120;

    /** {@code [Tocsin] 37 incidents held back: checkout, payments}. */
    public String subject() {
        String s = "[Tocsin] " + count() + " held back: " + services();
        return s.length() <= 200 ? s : s.substring(0, 199) + "…";
    }

    /**
     * What a call says: how many incidents wait, how many are high urgency, on which services, and the first of
     * them (highest urgency, newest) by number and title. It does not read the list out: a sleepy person needs to
     * know that something big is happening and where to look, not thirty titles.
     */
    public String spoken() {
        IncidentSnapshot first = incidents.getFirst();
        long high = incidents.stream().filter(i -> i.urgency() == IncidentSnapshot.Urgency.HIGH).count();
        String title = first.title().strip().replaceAll("\\s+", " ");
        if (title.length() > MAX_SPOKEN_TITLE) {
            title = title.substring(0, MAX_SPOKEN_TITLE);
        }
        return "This is Tocsin. " + count() + " waiting for you"
                + (high > 0 ? ", " + high + " of them high urgency" : "") + ", on " + services() + ". "
                + (incidents.size() > 1 ? "The first is incident number " : "It is incident number ")
                + first.number() + ": " + title + ". Open Tocsin, or read your messages, to see them all.";
    }

    /** The digest as a {@link Notice} to {@code target}, with the idempotency key {@code key}. */
    public Notice notice(String key, Target target) {
        return new Notice(key, target, subject(), text(), sms(tocsin.notify.template.Gsm7.SINGLE_GSM), spoken());
    }

    private String count() {
        return incidents.size() + (incidents.size() == 1 ? " incident" : " incidents");
    }

    /** {@code checkout, payments and 3 more services}, in the digest's order. */
    private String services() {
        List<String> names = incidents.stream().map(i -> i.serviceName().strip()).distinct().toList();
        String named = String.join(", ", names.subList(0, Math.min(NAMED_SERVICES, names.size())));
        int rest = names.size() - NAMED_SERVICES;
        return rest > 0 ? named + " and " + rest + " more service" + (rest == 1 ? "" : "s") : named;
    }
}
