package tocsin.server.pagerduty;

import tocsin.core.access.Principal;
import tocsin.core.access.Role;
import tocsin.core.access.Scope;
import tocsin.oncall.InvalidScheduleException;
import tocsin.oncall.Zones;
import tocsin.oncall.directory.ContactAddresses;
import tocsin.oncall.directory.Page;
import tocsin.oncall.directory.Person;
import tocsin.oncall.directory.ScheduleStore;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static tocsin.server.pagerduty.DirectoryApi.MAX_QUERY;
import static tocsin.server.pagerduty.DirectoryApi.guarded;

/**
 * PagerDuty's {@code /users}: list (with {@code query} and {@code include[]}), create, get, update, delete, and
 * {@code /users/me}. Users are Tocsin's accounts, the same people {@code /api/tocsin/users} lists. Reading needs the
 * read scope, updating write, and creating, deleting or changing a role admin. {@code PUT} changes only the fields it
 * carries, as PagerDuty's does. Thread-safe.
 */
final class UsersRoutes {
    static final Set<String> INCLUDES = Set.of("contact_methods", "notification_rules", "teams");
    static final int MAX_NAME = 100;
    static final int MAX_DESCRIPTION = 1024;
    private static final int BODY_LIMIT = 64 * 1024;
    private static final Pattern COLOR = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final String ROLES = "admin, user, limited_user, observer";

    private final DirectoryApi api;

    UsersRoutes(DirectoryApi api) {
        this.api = api;
    }

    void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST)
                .get("/users", Access.scope(Scope.READ), guarded(this::list))
                .post("/users", Access.scope(Scope.ADMIN), BODY_LIMIT, guarded(this::create))
                .get("/users/me", Access.scope(Scope.READ), guarded(this::me))
                .get("/users/{id}", Access.scope(Scope.READ), guarded(this::get))
                .route(io.helidon.http.Method.PUT, "/users/{id}", Access.scope(Scope.WRITE), BODY_LIMIT,
                        guarded(this::update))
                .delete("/users/{id}", Access.scope(Scope.ADMIN), guarded(this::delete));
    }

    private void list(Exchange ex) {
        PdPaging paging = PdPaging.of(ex);
        Set<String> includes = PdQuery.includes(ex, INCLUDES);
        Page<Person> page = api.people().people(PdQuery.text(ex, "query", MAX_QUERY).orElse(null), paging.offset(), paging.limit());
        DirectoryJson json = api.json();
        ex.json(200, paging.envelope("users", api.users(page.items(), includes, json), page.more(paging.offset()),
                page.total()));
    }

    private void get(Exchange ex) {
        answer(ex, 200, api.person(ex.pathParam("id")));
    }

    private void me(Exchange ex) {
        Principal caller = ex.principal();
        if (caller.kind() != Principal.Kind.USER) {
            throw ApiProblem.badRequest("Because this request was made using an account-level API key, the user's "
                    + "identity is unknown; /users/me needs a user's login session", List.of());
        }
        answer(ex, 200, api.person(caller.id()));
    }

    private void create(Exchange ex) {
        PdFields f = PdFields.root(ex.jsonBody(), "user");
        Person.Draft draft = read(f, null);
        f.throwIfInvalid();
        Person created = DirectoryApi.within("user", () -> api.people().createPerson(draft));
        ex.response().header("Location", api.json().refs().self("users", created.id()));
        answer(ex, 201, created);
    }

    private void update(Exchange ex) {
        Person old = api.person(ex.pathParam("id"));
        PdFields f = PdFields.root(ex.jsonBody(), "user");
        Person.Draft draft = read(f, old);
        f.throwIfInvalid();
        if (draft.role() != old.role()) {
            if (!ex.principal().has(Scope.ADMIN)) {
                throw ApiProblem.forbidden("Changing a user's role needs the 'admin' scope");
            }
            if (old.role() == Role.OWNER) {
                throw ApiProblem.invalidField("user.role", "the account owner's role cannot be changed");
            }
        }
        Person updated = DirectoryApi.within("user", () -> api.people().updatePerson(old.id(), draft))
                .orElseThrow(() -> ApiProblem.notFound("User Not Found: no user with id " + old.id()));
        answer(ex, 200, updated);
    }

    private void delete(Exchange ex) {
        Person p = api.person(ex.pathParam("id"));
        if (p.role() == Role.OWNER) {
            throw ApiProblem.badRequest("The account owner cannot be deleted", List.of("user.role: owner"));
        }
        if (!api.people().deletePerson(p.id())) {
            throw ApiProblem.notFound("User Not Found: no user with id " + p.id());
        }
        ex.noContent();
    }

    private void answer(Exchange ex, int status, Person p) {
        DirectoryJson json = api.json();
        Map<String, Object> user = api.user(p, PdQuery.includes(ex, INCLUDES), json);
        user.putAll(ICalRoutes.feedUrls(api, ScheduleStore.Feed.Kind.USER, p.id()));
        ex.json(status, Map.of("user", user));
    }

    /**
     * The person a request describes: for a create every required field ({@code name}, {@code email}); for an
     * update, {@code old} supplies what the request leaves out.
     */
    static Person.Draft read(PdFields f, Person old) {
        String name = old == null ? f.text("name", MAX_NAME) : f.optText("name", MAX_NAME).orElse(old.name());
        String email = old == null ? f.text("email", ContactAddresses.MAX_EMAIL_LENGTH)
                : f.optText("email", ContactAddresses.MAX_EMAIL_LENGTH).orElse(old.email());
        if (email != null) {
            ContactAddresses.emailProblem(email).ifPresent(p -> f.error("email", p.substring("address: ".length())));
        }
        Role role = f.optText("role", 64).map(r -> role(f, r)).orElse(old == null ? Role.MANAGER : old.role());
        ZoneId zone = f.optText("time_zone", 64).map(z -> zone(f, "time_zone", z))
                .orElse(old == null ? ZoneOffset.UTC : old.timeZone());
        String color = f.optText("color", 64).orElse(old == null ? null : old.color());
        if (color != null && !COLOR.matcher(color).matches()) {
            f.error("color", "must be a PagerDuty color name such as green or dark-slate-blue, got '" + color + "'");
        }
        String description = f.optText("description", MAX_DESCRIPTION).orElse(old == null ? null : old.description());
        String jobTitle = f.optText("job_title", MAX_NAME).orElse(old == null ? null : old.jobTitle());
        if (!f.errors().isEmpty() || name == null || email == null || role == null || zone == null) {
            return null;
        }
        return new Person.Draft(email, name, role, zone, color, description, jobTitle);
    }

    private static Role role(PdFields f, String raw) {
        Role role = Role.parse(raw).orElse(null);
        if (role == null) {
            f.error("role", "must be one of " + ROLES + ", got '" + raw + "'");
        } else if (role == Role.OWNER) {
            f.error("role", "there is one owner, created with the data directory; choose one of " + ROLES);
            return null;
        }
        return role;
    }

    /** An IANA zone, or null and an error on {@code field} of {@code f}. */
    static ZoneId zone(PdFields f, String field, String raw) {
        try {
            return Zones.parse(f.at(field), raw);
        } catch (InvalidScheduleException e) {
            e.problems().forEach(p -> f.error(field, p.message()));
            return null;
        }
    }
}
