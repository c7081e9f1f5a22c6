package tocsin.server.pagerduty;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Optional;

import tocsin.notify.http.WebhookUrls;
import tocsin.notify.subscription.Endpoint;
import tocsin.notify.subscription.EndpointStore;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.oncall.paging.Service;
import tocsin.server.http.ApiProblem;

/**
 * What the webhook subscription and extension routes share: reading a receiver URL, checking that referenced
 * services exist, finding an endpoint of the route's kind, and the service references of a rendered endpoint.
 * Stateless.
 */
final class EndpointFields {
    static final int MAX_URL = 2048;

    private EndpointFields() {
    }

    /**
     * The required receiver URL at {@code field}: absolute, with a host and no credentials, https, or http to this
     * machine only (a loopback receiver: local relays, tests), since the body carries incident details.
     */
    static Optional<URI> url(PdFields f, String field) {
        String raw = f.text(field, MAX_URL);
        if (raw == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            f.error(field, "not a URL: '" + raw + "'");
            return Optional.empty();
        }
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawUserInfo() != null
                || !("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))) {
            f.error(field, "must be an absolute https URL with a host and without credentials, got '" + raw + "'");
            return Optional.empty();
        }
        if (!WebhookUrls.secureOrLoopback(uri)) {
            f.error(field, "must use https (plain http is accepted only for loopback receivers), got '" + raw + "'");
            return Optional.empty();
        }
        return Optional.of(uri);
    }

    /** Records an error for each id at {@code field}[i].id that names no service. */
    static void requireServices(PdFields f, String field, List<String> ids, PagingConfigStore config) {
        for (int i = 0; i < ids.size(); i++) {
            if (config.service(ids.get(i)).isEmpty()) {
                f.error(field + "[" + i + "].id", "no service '" + ids.get(i) + "'");
            }
        }
    }

    /** The endpoint of that kind, or a 404 naming {@code what}. */
    static Endpoint find(EndpointStore store, Endpoint.Kind kind, String id, String what) {
        return store.endpoint(id).filter(e -> e.kind() == kind)
                .orElseThrow(() -> ApiProblem.notFound(what + " " + id + " not found"));
    }

    /** PagerDuty references to the services, summarised by name where the service still exists. */
    static List<Object> serviceRefs(PdRefs refs, PagingConfigStore config, List<String> ids) {
        return ids.stream().<Object>map(id -> refs.ref("service", "services", id,
                config.service(id).map(Service::name).orElse(id))).toList();
    }
}
