package tocsin.notify.webhook;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;

import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The incident as webhook bodies carry it: PagerDuty v3's incident representation, which Tocsin's own extends. */
final class IncidentJson {

    static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private IncidentJson() {
    }

    /** PagerDuty's {@code data} for incident events; {@code api} is the base of REST {@code self} links. */
    static ObjectNode pagerDuty(Notification n, URI api) {
        return pagerDuty(n.incident(), n.links().incident(), api);
    }

    /** PagerDuty's {@code data} for an incident whose page is {@code htmlUrl}. */
    static ObjectNode pagerDuty(IncidentSnapshot i, URI htmlUrl, URI api) {
        String base = api.toString().endsWith("/") ? api.toString().substring(0, api.toString().length() - 1)
                : api.toString();
        ObjectNode data = JSON.objectNode();
        data.put("id", i.id()).put("type", "incident").put("self", base + "/incidents/" + i.id())
                .put("html_url", htmlUrl.toString()).put("number", i.number())
                .put("status", i.status().wireName()).putNull("incident_key")
                .put("created_at", timestamp(i.createdAt())).put("title", i.title());
        ObjectNode service = data.putObject("service");
        service.put("html_url", base + "/service-directory/" + i.serviceId()).put("id", i.serviceId())
                .put("self", base + "/services/" + i.serviceId()).put("summary", i.serviceName())
                .put("type", "service_reference");
        data.putArray("assignees");
        data.putNull("escalation_policy");
        data.putArray("teams");
        data.putNull("priority");
        data.put("urgency", i.urgency().wireName());
        data.putNull("conference_bridge");
        data.putNull("resolve_reason");
        return data;
    }

    /** ISO-8601 UTC with milliseconds, as PagerDuty writes {@code occurred_at}. */
    static String timestamp(Instant at) {
        return MILLIS.format(at);
    }
}
