package tocsin.server.pagerduty;

import tocsin.core.access.Scope;
import tocsin.oncall.directory.Page;
import tocsin.oncall.directory.Person;
import tocsin.oncall.directory.Team;
import tocsin.server.http.Access;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Dialect;
import tocsin.server.http.Exchange;
import tocsin.server.http.RouteTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static tocsin.server.pagerduty.DirectoryApi.MAX_QUERY;
import static tocsin.server.pagerduty.DirectoryApi.guarded;

/**
 * PagerDuty's {@code /teams}: list (with {@code query}), create, get, update, delete, membership by
 * {@code PUT}/{@code DELETE /teams/{id}/users/{user_id}} (body {@code {"role": "observer|responder|manager"}},
 * optional, {@code manager} by default) and the paged {@code /teams/{id}/members}. Thread-safe.
 */
final class TeamsRoutes {
    private static final int BODY_LIMIT = 16 * 1024;
    private static final Set<String> ROLES = Set.of("observer", "responder", "manager");

    private final DirectoryApi api;

    TeamsRoutes(DirectoryApi api) {
        this.api = api;
    }

    void register(RouteTable routes) {
        routes.family(Dialect.PAGERDUTY_REST)
                .get("/teams", Access.scope(Scope.READ), guarded(this::list))
                .post("/teams", Access.scope(Scope.WRITE), BODY_LIMIT, guarded(this::create))
                .get("/teams/{id}", Access.scope(Scope.READ), guarded(this::get))
                .route(io.helidon.http.Method.PUT, "/teams/{id}", Access.scope(Scope.WRITE), BODY_LIMIT,
                        guarded(this::update))
                .delete("/teams/{id}", Access.scope(Scope.WRITE), guarded(this::delete))
                .get("/teams/{id}/members", Access.scope(Scope.READ), guarded(this::members))
                .route(io.helidon.http.Method.PUT, "/teams/{id}/users/{user}", Access.scope(Scope.WRITE),
                        BODY_LIMIT, guarded(this::putMember))
                .delete("/teams/{id}/users/{user}", Access.scope(Scope.WRITE), guarded(this::removeMember));
    }

    private void list(Exchange ex) {
        PdPaging paging = PdPaging.of(ex);
        Page<Team> page = api.people().teams(PdQuery.text(ex, "query", MAX_QUERY).orElse(null), paging.offset(), paging.limit());
        DirectoryJson json = api.json();
        ex.json(200, paging.envelope("teams", page.items().stream().map(json::team).toList(),
                page.more(paging.offset()), page.total()));
    }

    private void get(Exchange ex) {
        ex.json(200, Map.of("team", api.json().team(find(ex.pathParam("id")))));
    }

    private void create(Exchange ex) {
        PdFields f = PdFields.root(ex.jsonBody(), "team");
        String name = f.text("name", UsersRoutes.MAX_NAME);
        String description = f.optText("description", UsersRoutes.MAX_DESCRIPTION).orElse(null);
        f.throwIfInvalid();
        Team team = api.people().createTeam(name, description);
        DirectoryJson json = api.json();
        ex.response().header("Location", json.refs().self("teams", team.id()));
        ex.json(201, Map.of("team", json.team(team)));
    }

    private void update(Exchange ex) {
        Team old = find(ex.pathParam("id"));
        PdFields f = PdFields.root(ex.jsonBody(), "team");
        String name = f.optText("name", UsersRoutes.MAX_NAME).orElse(old.name());
        String description = f.optText("description", UsersRoutes.MAX_DESCRIPTION).orElse(old.description());
        f.throwIfInvalid();
        Team team = api.people().updateTeam(old.id(), name, description).orElseThrow(() -> notFound(old.id()));
        ex.json(200, Map.of("team", api.json().team(team)));
    }

    private void delete(Exchange ex) {
        if (!api.people().deleteTeam(ex.pathParam("id"))) {
            throw notFound(ex.pathParam("id"));
        }
        ex.noContent();
    }

    private void members(Exchange ex) {
        Team team = find(ex.pathParam("id"));
        PdPaging paging = PdPaging.of(ex);
        Page<Team.Member> page = api.people().members(team.id(), paging.offset(), paging.limit());
        Map<String, Person> persons = new HashMap<>();
        api.people().people(page.items().stream().map(Team.Member::userId).toList())
                .forEach(p -> persons.put(p.id(), p));
        DirectoryJson json = api.json();
        List<Map<String, Object>> members = new ArrayList<>();
        for (Team.Member m : page.items()) {
            Person p = persons.get(m.userId());
            if (p != null) {
                Map<String, Object> member = new LinkedHashMap<>();
                member.put("user", json.userRef(p));
                member.put("role", m.role().wireName());
                members.add(member);
            }
        }
        ex.json(200, paging.envelope("members", members, page.more(paging.offset()), page.total()));
    }

    private void putMember(Exchange ex) {
        Team team = find(ex.pathParam("id"));
        Person person = api.person(ex.pathParam("user"));
        Team.Role role = Team.Role.MANAGER;
        byte[] body = ex.body();
        if (body.length > 0) {
            PdFields f = PdFields.unwrapped(Exchange.parseJson(ex.context().json(), body));
            role = f.optEnum("role", ROLES).flatMap(Team.Role::parse).orElse(role);
            f.throwIfInvalid();
        }
        if (!api.people().putMember(team.id(), person.id(), role)) {
            throw notFound(team.id());
        }
        ex.noContent();
    }

    private void removeMember(Exchange ex) {
        Team team = find(ex.pathParam("id"));
        Person person = api.person(ex.pathParam("user"));
        if (!api.people().removeMember(team.id(), person.id())) {
            throw ApiProblem.notFound("User " + person.id() + " is not a member of team " + team.id());
        }
        ex.noContent();
    }

    private Team find(String id) {
        return api.people().team(id).orElseThrow(() -> notFound(id));
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("Team Not Found: no team with id " + id);
    }
}
