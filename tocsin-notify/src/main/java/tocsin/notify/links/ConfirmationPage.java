package tocsin.notify.links;

import tocsin.notify.IncidentSnapshot;
import tocsin.notify.template.Html;

import java.net.URI;

/**
 * The pages behind a signed link: the confirmation form (GET), the outcome (after the POST), and the refusal.
 * The form posts back to the link itself, so the token is the only proof needed and a prefetching mail scanner,
 * which only GETs, changes nothing. Pages are self-contained HTML (inline style, no scripts, no external resources)
 * with {@code noindex} and {@code no-referrer}, so the token does not leak through a Referer header. Every
 * user-provided string is escaped. Stateless.
 */
public final class ConfirmationPage {

    private ConfirmationPage() {
    }

    /** The GET page: what the link will do, and a button that POSTs to {@code link}. */
    public static String confirm(LinkClaims claims, IncidentSnapshot incident, URI link, URI incidentPage) {
        String verb = claims.action().verb();
        String body = "<p class=\"k\">" + Html.escape(incident.serviceName()) + " &middot; "
                + Html.escape(incident.urgency().wireName()) + " urgency &middot; "
                + Html.escape(incident.status().wireName()) + "</p>\n"
                + "<h1>#" + incident.number() + " " + Html.escape(incident.title()) + "</h1>\n"
                + "<form method=\"post\" action=\"" + Html.escape(link.toString()) + "\">\n"
                + "<button type=\"submit\">" + Html.escape(verb) + " incident #" + incident.number() + "</button>\n"
                + "</form>\n"
                + "<p><a href=\"" + Html.escape(incidentPage.toString()) + "\">Open the incident</a></p>\n";
        return page(verb + " incident #" + incident.number(), body);
    }

    /** The page after the action: {@code headline} says what happened (or that it had already happened). */
    public static String outcome(String headline, IncidentSnapshot incident, URI incidentPage) {
        String body = "<h1>" + Html.escape(headline) + "</h1>\n"
                + "<p>#" + incident.number() + " " + Html.escape(incident.title()) + "</p>\n"
                + "<p><a href=\"" + Html.escape(incidentPage.toString()) + "\">Open the incident</a></p>\n";
        return page(headline, body);
    }

    /** The page for a refused link, with the reason's explanation. */
    public static String refused(LinkCheck.Refused refused) {
        String body = "<h1>This link cannot be used</h1>\n<p>" + Html.escape(refused.detail()) + "</p>\n";
        return page("Link refused", body);
    }

    /** The HTTP status to answer a refusal with: 410 for expired links, 403 for forged ones, 404 otherwise. */
    public static int status(LinkCheck.Reason reason) {
        return switch (reason) {
            case EXPIRED -> 410;
            case TAMPERED -> 403;
            case MALFORMED, UNKNOWN_ACTION -> 404;
        };
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<meta name=\"robots\" content=\"noindex, nofollow\">\n"
                + "<meta name=\"referrer\" content=\"no-referrer\">\n"
                + "<title>" + Html.escape(title) + " - Tocsin</title>\n"
                + "<style>body{font-family:system-ui,Arial,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;"
                + "color:#202124}.k{color:#5f6368;font-size:.9em}h1{font-size:1.4em}button{font-size:1.1em;"
                + "padding:.6em 1.4em;border:0;border-radius:4px;background:#1a73e8;color:#fff;cursor:pointer}"
                + "</style>\n</head><body>\n" + body + "</body></html>\n";
    }
}
