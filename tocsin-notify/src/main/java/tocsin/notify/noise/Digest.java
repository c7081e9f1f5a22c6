package tocsin.notify.noise;

import tocsin.notify.IncidentSnapshot;
import tocsin.notify.template.Gsm7;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One message that stands for many: when a user's rate limit holds back pages during a storm, the dispatcher sends
 * this instead, once the limit allows. Highest urgency and newest first; as many incidents as fit, then a count of
 * the rest and the link to the incident list. Immutable.
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

    /** The plain-text form, one line per incident, for e-mail and chat. */
    public String text() {
        StringBuilder sb = new StringBuilder(incidents.size() + " incidents were held back to spare you a storm of "
                + "pages:\n\n");
        for (IncidentSnapshot i : incidents) {
            sb.append("#").append(i.number()).append(' ').append(i.urgency().wireName()).append(' ')
                    .append(i.serviceName().strip()).append(": ").append(i.title().strip().replaceAll("\\s+", " "))
                    .append(" [").append(i.status().wireName()).append("]\n");
        }
        return sb.append("\nAll open incidents: ").append(listPage).append('\n').toString();
    }
}
