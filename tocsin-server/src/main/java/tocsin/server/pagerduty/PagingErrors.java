package tocsin.server.pagerduty;

import tocsin.oncall.escalation.UserLookup;
import tocsin.core.access.Principal;
import tocsin.oncall.paging.Actor;
import tocsin.oncall.paging.PagingException;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Endpoint;
import tocsin.server.http.Exchange;

/**
 * Maps the paging module's exceptions to API problems (rendered in the route's dialect): invalid input is a 400
 * naming each field, a missing object a 404, a lost race or an object still in use a 409. Also says who is acting on
 * a PagerDuty REST write. Stateless.
 */
final class PagingErrors {
    private PagingErrors() {
    }

    /** The endpoint with paging exceptions turned into API problems. */
    static Endpoint mapped(Endpoint endpoint) {
        return ex -> {
            try {
                endpoint.handle(ex);
            } catch (PagingException.Invalid e) {
                throw ApiProblem.badRequest("Invalid Input Provided", e.problems());
            } catch (PagingException.NotFound e) {
                throw ApiProblem.notFound(e.getMessage());
            } catch (PagingException.Conflict e) {
                throw new ApiProblem(ApiProblem.Kind.CONFLICT, e.getMessage());
            }
        };
    }

    /**
     * Who acts on a write: the user named by PagerDuty's {@code From:} header (an e-mail address) when given, else the
     * logged-in user, else the API key.
     *
     * @param required whether the route needs {@code From:} when the caller is an API key, as PagerDuty's incident
     *                 writes do
     */
    static Actor actor(Exchange ex, UserLookup users, boolean required) {
        var from = ex.header("From").map(String::strip).filter(s -> !s.isEmpty());
        if (from.isPresent()) {
            return users.idByEmail(from.get()).map(Actor::user).orElseThrow(() -> ApiProblem.badRequest(
                    "Invalid Input Provided", java.util.List.of("From: no user with e-mail address '" + from.get()
                            + "'")));
        }
        Principal p = ex.principal();
        if (p != null && p.kind() == Principal.Kind.USER) {
            return Actor.user(p.id());
        }
        if (required) {
            throw ApiProblem.badRequest("Invalid Input Provided", java.util.List.of(
                    "From: header is required: the e-mail address of a valid user making the request"));
        }
        return p == null ? Actor.AUTO : Actor.apiKey(p.id());
    }
}
