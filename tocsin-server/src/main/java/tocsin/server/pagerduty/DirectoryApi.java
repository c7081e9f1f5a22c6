package tocsin.server.pagerduty;

import tocsin.oncall.InvalidScheduleException;
import tocsin.oncall.directory.ContactMethod;
import tocsin.oncall.directory.DirectoryException;
import tocsin.oncall.directory.NotificationRule;
import tocsin.oncall.directory.PeopleStore;
import tocsin.oncall.directory.Person;
import tocsin.oncall.directory.ScheduleStore;
import tocsin.oncall.directory.Team;
import tocsin.server.http.ApiProblem;
import tocsin.server.http.Endpoint;
import tocsin.server.http.RouteTable;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The PagerDuty-compatible REST API of the on-call directory: people ({@code /users} with contact methods and
 * notification rules), {@code /teams}, {@code /schedules} with overrides, and the public iCal feeds. It wires the
 * route classes and holds what they share: the stores, the public URL for links, the clock, and the mapping of the
 * directory's refusals to PagerDuty's errors ({@code {"error":{"message","code","errors"}}}). Thread-safe.
 */
public final class DirectoryApi {
    /** The longest {@code query} a list accepts. */
    static final int MAX_QUERY = 200;
    private final PeopleStore people;
    private final ScheduleStore schedules;
    private final Supplier<String> publicUrl;
    private final InstantSource clock;

    /**
     * @param publicUrl where people reach Tocsin, read per request (it may be known only once the port is bound)
     */
    public DirectoryApi(PeopleStore people, ScheduleStore schedules, Supplier<String> publicUrl,
                        InstantSource clock) {
        this.people = people;
        this.schedules = schedules;
        this.publicUrl = publicUrl;
        this.clock = clock;
    }

    public void register(RouteTable routes) {
        new UsersRoutes(this).register(routes);
        new ContactMethodRoutes(this).register(routes);
        new NotificationRuleRoutes(this).register(routes);
        new TeamsRoutes(this).register(routes);
        new SchedulesRoutes(this).register(routes);
        new ICalRoutes(this).register(routes);
    }

    PeopleStore people() {
        return people;
    }

    ScheduleStore schedules() {
        return schedules;
    }

    InstantSource clock() {
        return clock;
    }

    String publicUrl() {
        return new PdRefs(publicUrl.get()).publicUrl();
    }

    DirectoryJson json() {
        return new DirectoryJson(new PdRefs(publicUrl.get()));
    }

    /** Runs {@code endpoint}, answering the directory's refusals as PagerDuty does. */
    static Endpoint guarded(Endpoint endpoint) {
        return ex -> {
            try {
                endpoint.handle(ex);
            } catch (DirectoryException e) {
                throw problem(e);
            }
        };
    }

    /**
     * Runs a store call for a request whose object is wrapped in {@code wrapper} ({@code {"user": {...}}}), naming
     * the fields of a refusal by their full path ({@code user.email}).
     */
    static <T> T within(String wrapper, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (DirectoryException.Duplicate | DirectoryException.MissingReference e) {
            throw ApiProblem.badRequest(e.getMessage(), e.errors().stream().map(f -> wrapper + "." + f).toList());
        }
    }

    static ApiProblem problem(DirectoryException e) {
        ApiProblem.Kind kind = e instanceof DirectoryException.Stale ? ApiProblem.Kind.CONFLICT
                : ApiProblem.Kind.BAD_REQUEST;
        return new ApiProblem(kind, e.getMessage(), e.errors());
    }

    /** PagerDuty's 400 listing every problem of a schedule, each under {@code prefix} ({@code schedule}). */
    static ApiProblem problem(InvalidScheduleException e, String prefix) {
        return ApiProblem.badRequest("Invalid Input Provided",
                e.problems().stream().map(p -> prefix + "." + p).toList());
    }

    Person person(String id) {
        return people.person(id).orElseThrow(() -> ApiProblem.notFound("User Not Found: no user with id " + id));
    }

    /**
     * Full user objects, with the lists each has: contact methods, notification rules, teams (as references, or in
     * full where {@code includes} asks).
     */
    List<Map<String, Object>> users(List<Person> persons, Set<String> includes, DirectoryJson json) {
        Map<String, List<Team>> teams = teamsOf(persons);
        List<String> ids = persons.stream().map(Person::id).toList();
        Map<String, List<ContactMethod>> contacts = people.contactMethodsOf(ids).stream()
                .collect(Collectors.groupingBy(ContactMethod::userId));
        Map<String, List<NotificationRule>> rules = people.notificationRulesOf(ids).stream()
                .collect(Collectors.groupingBy(NotificationRule::userId));
        List<Map<String, Object>> out = new ArrayList<>(persons.size());
        for (Person p : persons) {
            out.add(json.user(p, contacts.getOrDefault(p.id(), List.of()), rules.getOrDefault(p.id(), List.of()),
                    teams.getOrDefault(p.id(), List.of()), includes));
        }
        return out;
    }

    Map<String, Object> user(Person p, Set<String> includes, DirectoryJson json) {
        return users(List.of(p), includes, json).getFirst();
    }

    private Map<String, List<Team>> teamsOf(List<Person> persons) {
        List<Team.Member> memberships = people.memberships(
                persons.stream().map(Person::id).collect(Collectors.toCollection(LinkedHashSet::new)));
        Map<String, Team> byId = new HashMap<>();
        Map<String, List<Team>> out = new LinkedHashMap<>();
        for (Team.Member m : memberships) {
            Team t = byId.computeIfAbsent(m.teamId(), id -> people.team(id).orElse(null));
            if (t != null) {
                out.computeIfAbsent(m.userId(), k -> new ArrayList<>()).add(t);
            }
        }
        return out;
    }
}
