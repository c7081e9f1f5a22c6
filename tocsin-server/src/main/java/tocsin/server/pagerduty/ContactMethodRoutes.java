package tocsin.server.pagerduty;

import tocsin.core.access.Scope;
import tocsin.oncall.directory.ContactAddresses;
import tocsin.oncall.directory.ContactMethod;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.util.Arrays;
import java.util.Map;

import static tocsin.server.pagerduty.DirectoryApi.guarded;

/**
 * PagerDuty's {@code /users/{id}/contact_methods}: e-mail, phone, SMS and push contact methods with their
 * {@code address}, {@code label} and, for phone and SMS, {@code country_code}; addresses are checked by
 * {@link ContactAddresses} (e-mail syntax, E.164). {@code PUT} changes only the fields it carries. Thread-safe.
 */
final class ContactMethodRoutes {
    private static final int BODY_LIMIT = 16 * 1024;
    private static final String BASE = "/users/{id}/contact_methods";

    private final DirectoryApi api;

    ContactMethodRoutes(DirectoryApi api) {
        this.api = api;
    }

    void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST)
                .get(BASE, Access.scope(Scope.READ), guarded(this::list))
                .post(BASE, Access.scope(Scope.WRITE), BODY_LIMIT, guarded(this::create))
                .get(BASE + "/{cm}", Access.scope(Scope.READ), guarded(this::get))
                .route(io.helidon.http.Method.PUT, BASE + "/{cm}", Access.scope(Scope.WRITE), BODY_LIMIT,
                        guarded(this::update))
                .delete(BASE + "/{cm}", Access.scope(Scope.WRITE), guarded(this::delete));
    }

    private void list(Exchange ex) {
        String userId = api.person(ex.pathParam("id")).id();
        DirectoryJson json = api.json();
        ex.json(200, Map.of("contact_methods",
                api.people().contactMethods(userId).stream().map(json::contactMethod).toList()));
    }

    private void get(Exchange ex) {
        ex.json(200, Map.of("contact_method", api.json().contactMethod(find(ex))));
    }

    private void create(Exchange ex) {
        String userId = api.person(ex.pathParam("id")).id();
        PdFields f = PdFields.root(ex.jsonBody(), "contact_method");
        ContactMethod.Draft draft = read(f, null);
        f.throwIfInvalid();
        ContactMethod created = api.people().createContactMethod(userId, draft).orElseThrow(() -> noUser(userId));
        DirectoryJson json = api.json();
        ex.response().header("Location", json.refs().self("users", userId) + "/contact_methods/" + created.id());
        ex.json(201, Map.of("contact_method", json.contactMethod(created)));
    }

    private void update(Exchange ex) {
        ContactMethod old = find(ex);
        PdFields f = PdFields.root(ex.jsonBody(), "contact_method");
        ContactMethod.Draft draft = read(f, old);
        f.throwIfInvalid();
        ContactMethod updated = api.people().updateContactMethod(old.userId(), old.id(), draft)
                .orElseThrow(() -> notFound(old.id()));
        ex.json(200, Map.of("contact_method", api.json().contactMethod(updated)));
    }

    private void delete(Exchange ex) {
        String userId = api.person(ex.pathParam("id")).id();
        if (!api.people().deleteContactMethod(userId, ex.pathParam("cm"))) {
            throw notFound(ex.pathParam("cm"));
        }
        ex.noContent();
    }

    private ContactMethod find(Exchange ex) {
        String userId = api.person(ex.pathParam("id")).id();
        return api.people().contactMethod(userId, ex.pathParam("cm")).orElseThrow(() -> notFound(ex.pathParam("cm")));
    }

    /** The contact method a request describes; {@code old} supplies what an update leaves out. */
    static ContactMethod.Draft read(PdFields f, ContactMethod old) {
        ContactMethod.Type type = old == null ? null : old.type();
        if (f.has("type")) {
            String raw = f.optText("type", 64).orElse("");
            type = ContactMethod.Type.parse(raw).orElse(null);
            if (type == null) {
                f.error("type", "must be one of " + String.join(", ", Arrays.stream(ContactMethod.Type.values())
                        .map(ContactMethod.Type::wireName).toList()) + ", got '" + raw + "'");
            }
        } else if (old == null) {
            f.error("type", "is required");
        }
        String label = old == null ? f.text("label", UsersRoutes.MAX_NAME)
                : f.optText("label", UsersRoutes.MAX_NAME).orElse(old.label());
        String address = old == null ? f.text("address", ContactAddresses.MAX_PUSH_ADDRESS_LENGTH)
                : f.optText("address", ContactAddresses.MAX_PUSH_ADDRESS_LENGTH).orElse(old.address());
        Integer countryCode = f.optLong("country_code", 1, 999).map(Long::intValue)
                .orElse(old == null || f.has("country_code") ? null : old.countryCode());
        if (type == null || label == null || address == null || f.hasErrorOn("country_code")) {
            return null;
        }
        if (!type.isPhone() && old != null && !f.has("country_code")) {
            countryCode = null; // a phone number turned into an e-mail address loses its country code
        }
        ContactAddresses.problems(type, address, countryCode).forEach(p -> {
            int colon = p.indexOf(": ");
            f.error(p.substring(0, colon), p.substring(colon + 2));
        });
        return f.errors().isEmpty() ? new ContactMethod.Draft(type, label, address, countryCode) : null;
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("Contact Method Not Found: no contact method with id " + id + " for this user");
    }

    private static ApiProblem noUser(String id) {
        return ApiProblem.notFound("User Not Found: no user with id " + id);
    }
}
