package tocsin.server.notify;

import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;

import io.helidon.http.HeaderNames;

import tocsin.notify.links.ConfirmationPage;
import tocsin.notify.links.LinkAction;
import tocsin.notify.links.LinkCheck;
import tocsin.notify.links.LinkClaims;
import tocsin.notify.links.LinkSigner;
import tocsin.oncall.paging.Incident;
import tocsin.server.http.Access;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

/**
 * The acknowledge and resolve links of notifications: {@code GET /l/{token}} shows what the link will do and a
 * button; {@code POST /l/{token}} does it through {@link IncidentActions}, as the user the link was made for, with
 * channel {@code link} in the timeline. The routes are public: the token's signature is their proof. A GET never
 * changes anything, so mail scanners that prefetch links cannot acknowledge. Acting twice is harmless (an
 * acknowledged incident stays acknowledged; the page says so). Answers are HTML pages, never cached, never leaking
 * the token in a {@code Referer}. Thread-safe.
 */
public final class LinkRoutes {
    /** The channel the incident timeline shows for actions taken through a link. */
    public static final String CHANNEL = "link";
    private static final String HTML = "text/html; charset=utf-8";

    private final Supplier<Optional<LinkSigner>> signer;
    private final IncidentActions actions;
    private final Supplier<String> publicUrl;

    public LinkRoutes(Supplier<Optional<LinkSigner>> signer, IncidentActions actions, Supplier<String> publicUrl) {
        this.signer = signer;
        this.actions = actions;
        this.publicUrl = publicUrl;
    }

    public void register(RouteTable routes) {
        routes.family(Dialect.TOCSIN)
                .get(LinkSigner.PATH + "{token}", Access.PUBLIC, this::confirm)
                .post(LinkSigner.PATH + "{token}", Access.PUBLIC, 4096, this::act);
    }

    private void confirm(Exchange ex) {
        checked(ex).ifPresent(v -> {
            Incident incident = v.incident();
            page(ex, 200, ConfirmationPage.confirm(v.claims(), actions.snapshot(incident), link(ex), incidentPage(incident)));
        });
    }

    private void act(Exchange ex) {
        checked(ex).ifPresent(v -> {
            LinkClaims claims = v.claims();
            IncidentActions.Result r = actions.act(v.incident().id(), claims.userId(),
                    claims.action() == LinkAction.ACKNOWLEDGE ? IncidentActions.Action.ACKNOWLEDGE
                            : IncidentActions.Action.RESOLVE, CHANNEL);
            String headline = switch (r.outcome()) {
                case DONE -> claims.action().pastTense();
                case ALREADY_ACKNOWLEDGED -> "Already acknowledged";
                case ALREADY_RESOLVED -> "Already resolved";
            };
            page(ex, 200, ConfirmationPage.outcome(headline, actions.snapshot(r.incident()),
                    incidentPage(r.incident())));
        });
    }

    private record Checked(LinkClaims claims, Incident incident) {
    }

    /** The link's claims and incident, or empty after answering with the refusal page. */
    private Optional<Checked> checked(Exchange ex) {
        Optional<LinkSigner> s = signer.get();
        if (s.isEmpty()) {
            page(ex, 503, ConfirmationPage.refused(new LinkCheck.Refused(LinkCheck.Reason.MALFORMED,
                    "Tocsin is starting; try the link again in a moment.")));
            return Optional.empty();
        }
        switch (s.get().check(ex.pathParam("token"))) {
            case LinkCheck.Refused r -> {
                page(ex, ConfirmationPage.status(r.reason()), ConfirmationPage.refused(r));
                return Optional.empty();
            }
            case LinkCheck.Valid v -> {
                Optional<Incident> incident = actions.incident(v.claims().incidentId());
                if (incident.isEmpty()) {
                    page(ex, 404, ConfirmationPage.refused(new LinkCheck.Refused(LinkCheck.Reason.MALFORMED,
                            "The incident this link is for no longer exists.")));
                    return Optional.empty();
                }
                return Optional.of(new Checked(v.claims(), incident.get()));
            }
        }
    }

    private URI link(Exchange ex) {
        return URI.create(base() + LinkSigner.PATH + ex.pathParam("token"));
    }

    private URI incidentPage(Incident i) {
        return URI.create(base() + "/incidents/" + i.id());
    }

    private String base() {
        String b = publicUrl.get();
        return b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
    }

    private static void page(Exchange ex, int status, String html) {
        ex.response().header(HeaderNames.CACHE_CONTROL, "no-store");
        ex.response().header(HeaderNames.create("Referrer-Policy"), "no-referrer");
        ex.response().header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
        ex.text(status, HTML, html);
    }
}
