package tocsin.server.pagerduty;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PagerDuty object references and the {@code self}/{@code html_url} links of full objects.
 *
 * <p>A reference is {@code {"id","type":"<kind>_reference","summary","self","html_url"}}; a full object carries
 * {@code "type":"<kind>"} and the same links. {@code self} is the REST address ({@code <public>/users/P123}),
 * {@code html_url} the page for people ({@code <public>/ui/users/P123}). Immutable, thread-safe.
 */
public final class PdRefs {
    private final String publicUrl;

    public PdRefs(String publicUrl) {
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /**
     * A reference to an object.
     *
     * @param kind       the singular type, e.g. {@code user}, {@code escalation_policy}
     * @param collection the REST collection, e.g. {@code users}, {@code escalation_policies}
     */
    public Map<String, Object> ref(String kind, String collection, String id, String summary) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("type", kind + "_reference");
        out.put("summary", summary);
        out.put("self", self(collection, id));
        out.put("html_url", htmlUrl(collection, id));
        return out;
    }

    /** The head of a full object: id, type, summary, self, html_url, in PagerDuty's order. */
    public Map<String, Object> object(String kind, String collection, String id, String summary) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("type", kind);
        out.put("summary", summary);
        out.put("self", self(collection, id));
        out.put("html_url", htmlUrl(collection, id));
        return out;
    }

    public String self(String collection, String id) {
        return publicUrl + "/" + collection + "/" + id;
    }

    public String htmlUrl(String collection, String id) {
        return publicUrl + "/ui/" + collection + "/" + id;
    }

    public String publicUrl() {
        return publicUrl;
    }
}
