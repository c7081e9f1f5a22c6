package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.core.access.AccessStore;
import tocsin.core.access.Role;
import tocsin.oncall.Layer;
import tocsin.oncall.Restriction;
import tocsin.oncall.ScheduleOverride;
import tocsin.oncall.directory.ContactMethod;
import tocsin.oncall.directory.DirectoryException;
import tocsin.oncall.directory.NotificationRule;
import tocsin.oncall.directory.NotificationRule.Urgency;
import tocsin.oncall.directory.Page;
import tocsin.oncall.directory.PeopleStore;
import tocsin.oncall.directory.Person;
import tocsin.oncall.directory.ScheduleStore;
import tocsin.oncall.directory.ScheduleStore.Feed;
import tocsin.oncall.directory.StoredSchedule;
import tocsin.oncall.directory.Team;

/**
 * What every backend owes the on-call directory: {@link PeopleStore} and {@link ScheduleStore} with their
 * references, cascades, refusals and optimistic concurrency. A backend's test extends this class and says how to get
 * fresh, empty storage. Public so other modules can run it through the test-jar.
 */
public abstract class DirectoryStoreContract {
    protected static final Instant START = Instant.parse("2026-03-01T09:00:00Z");
    protected static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    protected static final ZoneId SYDNEY = ZoneId.of("Australia/Sydney");

    protected final ManualClock clock = new ManualClock(START);
    private final List<StateStore> opened = new CopyOnWriteArrayList<>();
    protected StateConfig config;
    protected StateStore state;
    protected PeopleStore people;
    protected ScheduleStore schedules;

    /** A configuration for fresh, empty storage using {@code clock}. */
    protected abstract StateConfig newStateConfig(InstantSource clock);

    @BeforeEach
    final void openFreshStore() {
        config = newStateConfig(clock);
        state = open(config);
        people = state.peopleStore();
        schedules = state.scheduleStore();
    }

    @AfterEach
    final void closeStores() {
        opened.forEach(StateStore::close);
    }

    private StateStore open(StateConfig c) {
        StateStore s = StateStore.open(c);
        opened.add(s);
        return s;
    }

    protected final Person person(String name) {
        return people.createPerson(new Person.Draft(name.toLowerCase().replace(' ', '.') + "@example.com", name,
                Role.RESPONDER, BERLIN, null, null, null));
    }

    private static Layer layer(String id, List<String> users, List<Restriction> restrictions, ZoneId zone) {
        return new Layer(id, "Layer", Instant.parse("2026-03-02T08:00:00Z"), null,
                Instant.parse("2026-03-02T08:00:00Z"), Duration.ofDays(7), users, restrictions, zone);
    }

    private static ScheduleStore.Draft draft(String name, Layer... layers) {
        return new ScheduleStore.Draft(name, "desc of " + name, BERLIN, List.of(layers));
    }

    // ---- people

    @Test
    void personRoundTripsWithProfileAndNormalisedEmail() {
        Person p = people.createPerson(new Person.Draft("  Ada@Example.COM ", "Ada Lovelace", Role.MANAGER,
                SYDNEY, "green", "writes programs", "Engineer"));

        assertThat(p.email()).isEqualTo("ada@example.com");
        assertThat(p.id()).matches("P[A-Z0-9]{6}");
        assertThat(p.createdAt()).isEqualTo(START);
        assertThat(people.person(p.id())).contains(p);
        assertThat(people.people(List.of(p.id(), "PNOSUCH"))).containsExactly(p);
    }

    @Test
    void peopleAreTheAccountsOfTheAccessStore() {
        AccessStore access = state.accessStore();
        var account = access.createUser(new AccessStore.NewUser("ops@example.com", "Ops", Role.ADMIN, BERLIN, null));
        Person created = person("Grace Hopper");

        assertThat(people.person(account.id())).get().extracting(Person::email, Person::role)
                .containsExactly("ops@example.com", Role.ADMIN);
        assertThat(access.findUser(created.id())).get().extracting(u -> u.email())
                .isEqualTo("grace.hopper@example.com");
    }

    @Test
    void duplicateEmailIsRefusedNamingTheField() {
        person("Ada Lovelace");
        Person grace = person("Grace Hopper");

        assertThatThrownBy(() -> people.createPerson(new Person.Draft("ADA.lovelace@example.com", "Other",
                Role.OBSERVER, BERLIN, null, null, null)))
                .isInstanceOf(DirectoryException.Duplicate.class)
                .satisfies(e -> assertThat(((DirectoryException) e).errors()).singleElement().asString()
                        .startsWith("email: "));
        assertThatThrownBy(() -> people.updatePerson(grace.id(), new Person.Draft("ada.lovelace@example.com",
                "Grace", Role.OBSERVER, BERLIN, null, null, null)))
                .isInstanceOf(DirectoryException.Duplicate.class);
        assertThat(people.person(grace.id())).get().extracting(Person::email).isEqualTo("grace.hopper@example.com");
    }

    @Test
    void listsAreSortedFilteredAndPaged() {
        person("Carol");
        person("alice");
        person("Bob");
        person("Alicia");

        Page<Person> first = people.people(null, List.of(), 0, 2);
        assertThat(first.items()).extracting(Person::name).containsExactly("alice", "Alicia");
        assertThat(first.total()).isEqualTo(4);
        assertThat(first.more(0)).isTrue();
        Page<Person> last = people.people("", List.of(), 2, 2);
        assertThat(last.items()).extracting(Person::name).containsExactly("Bob", "Carol");
        assertThat(last.more(2)).isFalse();
        assertThat(people.people("ALI", List.of(), 0, 25).items()).extracting(Person::name).containsExactly("alice", "Alicia");
        // LIKE wildcards in a query are literal
        assertThat(people.people("%", List.of(), 0, 25).items()).isEmpty();
        assertThat(people.people("_", List.of(), 0, 25).items()).isEmpty();
    }

    @Test
    void updateReplacesTheProfileAndKeepsCreationTime() {
        Person p = person("Ada");
        clock.advance(Duration.ofHours(1));

        Person updated = people.updatePerson(p.id(), new Person.Draft("ada2@example.com", "Ada L", Role.OBSERVER,
                SYDNEY, "red", null, "CTO")).orElseThrow();

        assertThat(updated.createdAt()).isEqualTo(START);
        assertThat(people.person(p.id())).contains(updated);
        assertThat(people.updatePerson("PNOSUCH", new Person.Draft("x@example.com", "X", Role.OBSERVER, BERLIN,
                null, null, null))).isEmpty();
    }

    // ---- contact methods and rules

    @Test
    void contactMethodsBelongToTheirPersonAndTakeTheirRulesWithThem() {
        Person ada = person("Ada");
        Person bob = person("Bob");
        ContactMethod sms = people.createContactMethod(ada.id(),
                new ContactMethod.Draft(ContactMethod.Type.SMS, "Mobile", "15123456789", 49)).orElseThrow();
        clock.advance(Duration.ofSeconds(1));
        ContactMethod mail = people.createContactMethod(ada.id(),
                new ContactMethod.Draft(ContactMethod.Type.EMAIL, "Work", "Ada@Example.com", null)).orElseThrow();

        assertThat(mail.address()).isEqualTo("ada@example.com");
        assertThat(sms.e164()).isEqualTo("+4915123456789");
        assertThat(people.contactMethods(ada.id())).containsExactly(sms, mail);
        assertThat(people.contactMethod(bob.id(), sms.id())).isEmpty();
        assertThat(people.createContactMethod("PNOSUCH", new ContactMethod.Draft(ContactMethod.Type.EMAIL, "W",
                "x@example.com", null))).isEmpty();

        NotificationRule rule = people.createNotificationRule(ada.id(),
                new NotificationRule.Draft(0, sms.id(), Urgency.HIGH)).orElseThrow();
        NotificationRule later = people.createNotificationRule(ada.id(),
                new NotificationRule.Draft(5, mail.id(), Urgency.ANY)).orElseThrow();
        NotificationRule low = people.createNotificationRule(ada.id(),
                new NotificationRule.Draft(1, mail.id(), Urgency.LOW)).orElseThrow();
        assertThat(people.notificationRules(ada.id(), null)).containsExactly(rule, low, later);
        assertThat(people.notificationRules(ada.id(), Urgency.HIGH)).containsExactly(rule, later);
        assertThat(people.notificationRules(ada.id(), Urgency.LOW)).containsExactly(low, later);

        ContactMethod bobs = people.createContactMethod(bob.id(),
                new ContactMethod.Draft(ContactMethod.Type.PHONE, "Desk", "4155550123", 1)).orElseThrow();
        assertThat(people.contactMethodsOf(List.of(ada.id(), bob.id()))).containsExactlyInAnyOrder(sms, mail, bobs);
        assertThat(people.notificationRulesOf(List.of(ada.id(), bob.id()))).containsExactly(rule, low, later);
        assertThat(people.contactMethodsOf(List.of())).isEmpty();

        assertThat(people.deleteContactMethod(ada.id(), sms.id())).isTrue();
        assertThat(people.notificationRules(ada.id(), null)).containsExactly(low, later);
        assertThat(people.deleteContactMethod(ada.id(), sms.id())).isFalse();
    }

    @Test
    void anInboundNumberFindsThePhoneAndSmsContactMethodsOfEveryoneUsingIt() {
        Person ada = person("Ada");
        Person bob = person("Bob");
        ContactMethod adaSms = people.createContactMethod(ada.id(),
                new ContactMethod.Draft(ContactMethod.Type.SMS, "Mobile", "15123456789", 49)).orElseThrow();
        clock.advance(Duration.ofSeconds(1));
        ContactMethod bobPhone = people.createContactMethod(bob.id(),
                new ContactMethod.Draft(ContactMethod.Type.PHONE, "Shared", "15123456789", 49)).orElseThrow();
        ContactMethod usNumber = people.createContactMethod(bob.id(),
                new ContactMethod.Draft(ContactMethod.Type.SMS, "US", "4155550123", 1)).orElseThrow();
        people.createContactMethod(ada.id(),
                new ContactMethod.Draft(ContactMethod.Type.EMAIL, "Work", "4915123456789@example.com", null));

        assertThat(people.phoneContactMethods("+4915123456789")).containsExactly(adaSms, bobPhone);
        assertThat(people.phoneContactMethods("+14155550123")).containsExactly(usNumber);
        assertThat(people.phoneContactMethods("+4915123456780")).isEmpty();
        assertThat(people.phoneContactMethods("4915123456789")).as("not E.164").isEmpty();
        assertThat(people.phoneContactMethods("+49' OR '1'='1")).isEmpty();
        assertThat(people.phoneContactMethods(null)).isEmpty();
    }

    @Test
    void aRuleCannotUseSomeoneElsesContactMethod() {
        Person ada = person("Ada");
        Person bob = person("Bob");
        ContactMethod bobs = people.createContactMethod(bob.id(),
                new ContactMethod.Draft(ContactMethod.Type.EMAIL, "Work", "bob@example.com", null)).orElseThrow();
        ContactMethod adas = people.createContactMethod(ada.id(),
                new ContactMethod.Draft(ContactMethod.Type.EMAIL, "Work", "ada@example.com", null)).orElseThrow();

        assertThatThrownBy(() -> people.createNotificationRule(ada.id(),
                new NotificationRule.Draft(0, bobs.id(), Urgency.HIGH)))
                .isInstanceOf(DirectoryException.MissingReference.class)
                .satisfies(e -> assertThat(((DirectoryException) e).errors()).singleElement().asString()
                        .startsWith("contact_method.id: "));
        NotificationRule rule = people.createNotificationRule(ada.id(),
                new NotificationRule.Draft(0, adas.id(), Urgency.HIGH)).orElseThrow();
        assertThatThrownBy(() -> people.updateNotificationRule(ada.id(), rule.id(),
                new NotificationRule.Draft(3, bobs.id(), Urgency.LOW)))
                .isInstanceOf(DirectoryException.MissingReference.class);
        assertThat(people.notificationRule(ada.id(), rule.id())).contains(rule);
        assertThat(people.updateNotificationRule(ada.id(), rule.id(),
                new NotificationRule.Draft(3, adas.id(), Urgency.LOW))).get()
                .extracting(NotificationRule::startDelayInMinutes).isEqualTo(3);
        assertThat(people.createNotificationRule("PNOSUCH", new NotificationRule.Draft(0, adas.id(), Urgency.HIGH)))
                .isEmpty();
        assertThat(people.updateNotificationRule(bob.id(), rule.id(),
                new NotificationRule.Draft(3, bobs.id(), Urgency.LOW))).isEmpty();
    }

    // ---- teams

    @Test
    void teamsAndMemberships() {
        Person ada = person("Ada");
        Person bob = person("Bob");
        Team ops = people.createTeam("Ops", "on call");
        Team dev = people.createTeam("Dev", null);

        assertThat(people.putMember(ops.id(), bob.id(), Team.Role.RESPONDER)).isTrue();
        assertThat(people.putMember(ops.id(), ada.id(), Team.Role.OBSERVER)).isTrue();
        assertThat(people.putMember(ops.id(), ada.id(), Team.Role.MANAGER)).isTrue();
        assertThat(people.putMember(dev.id(), ada.id(), Team.Role.RESPONDER)).isTrue();
        assertThat(people.putMember(ops.id(), "PNOSUCH", Team.Role.MANAGER)).isFalse();
        assertThat(people.putMember("PNOSUCH", ada.id(), Team.Role.MANAGER)).isFalse();

        Page<Team.Member> members = people.members(ops.id(), 0, 1);
        assertThat(members.items()).containsExactly(new Team.Member(ops.id(), ada.id(), Team.Role.MANAGER));
        assertThat(members.total()).isEqualTo(2);
        assertThat(people.memberships(Set.of(ada.id()))).extracting(Team.Member::teamId)
                .containsExactly(dev.id(), ops.id());
        assertThat(people.teams("o", 0, 25).items()).containsExactly(ops);
        assertThat(people.people(null, List.of(ops.id()), 0, 25).items()).extracting(Person::id)
                .containsExactly(ada.id(), bob.id());
        assertThat(people.people("bo", List.of(ops.id(), dev.id()), 0, 25).items()).extracting(Person::id)
                .containsExactly(bob.id());
        assertThat(people.people(null, List.of(dev.id(), "PNOSUCH"), 0, 25).total()).isEqualTo(1);
        assertThat(people.updateTeam(ops.id(), "Operations", "24/7")).contains(new Team(ops.id(), "Operations",
                "24/7"));

        assertThat(people.removeMember(ops.id(), bob.id())).isTrue();
        assertThat(people.removeMember(ops.id(), bob.id())).isFalse();
        assertThat(people.deletePerson(ada.id())).isTrue();
        assertThat(people.members(ops.id(), 0, 25).total()).isZero();
        assertThat(people.people(null, List.of(ops.id()), 0, 25).items()).isEmpty();
        assertThat(people.deleteTeam(dev.id())).isTrue();
        assertThat(people.team(dev.id())).isEmpty();
    }

    // ---- schedules

    @Test
    void scheduleRoundTripsWithLayersRestrictionsAndZones() {
        Person ada = person("Ada");
        Person bob = person("Bob");
        Layer weekdays = layer(null, List.of(ada.id(), bob.id(), ada.id()), List.of(
                new Restriction.Weekly(DayOfWeek.MONDAY, LocalTime.of(9, 0), Duration.ofHours(8)),
                new Restriction.Daily(LocalTime.of(22, 30), Duration.ofHours(10))), null);
        Layer sydney = new Layer(null, "Sydney", Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-06-01T00:00:00Z"), Instant.parse("2026-02-28T22:00:00Z"), Duration.ofHours(12),
                List.of(bob.id()), List.of(), SYDNEY);

        StoredSchedule created = schedules.createSchedule(draft("Primary", weekdays, sydney));

        assertThat(created.version()).isEqualTo(1);
        assertThat(created.schedule().layers()).extracting(Layer::id).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(schedules.schedule(created.id())).contains(created);
        StoredSchedule read = schedules.schedule(created.id()).orElseThrow();
        assertThat(read.description()).isEqualTo("desc of Primary");
        assertThat(read.schedule().layers().get(1).timeZone()).isEqualTo(SYDNEY);
        assertThat(read.schedule().layers().get(0).restrictions()).hasSize(2);
        assertThat(schedules.schedulesWith(ada.id())).containsExactly(created);
        assertThat(schedules.schedules("prim", 0, 25).items()).containsExactly(created);
        assertThat(schedules.schedules("nothing", 0, 25).total()).isZero();
    }

    @Test
    void updateKeepsOwnLayerIdsReplacesForeignOnesAndCountsVersions() {
        Person ada = person("Ada");
        StoredSchedule other = schedules.createSchedule(draft("Other", layer(null, List.of(ada.id()), List.of(),
                null)));
        StoredSchedule s = schedules.createSchedule(draft("Mine", layer(null, List.of(ada.id()), List.of(), null)));
        String own = s.schedule().layers().getFirst().id();
        String foreign = other.schedule().layers().getFirst().id();

        StoredSchedule updated = schedules.updateSchedule(s.id(), 1, draft("Mine v2",
                layer(foreign, List.of(ada.id()), List.of(), null), layer(own, List.of(ada.id()), List.of(), null)))
                .orElseThrow();

        assertThat(updated.version()).isEqualTo(2);
        assertThat(updated.schedule().layers().get(1).id()).isEqualTo(own);
        assertThat(updated.schedule().layers().get(0).id()).isNotIn(own, foreign);
        assertThat(schedules.schedule(s.id())).contains(updated);
        assertThat(schedules.schedule(other.id())).contains(other);
        assertThatThrownBy(() -> schedules.updateSchedule(s.id(), 1, draft("stale",
                layer(null, List.of(ada.id()), List.of(), null)))).isInstanceOf(DirectoryException.Stale.class);
        assertThat(schedules.updateSchedule("PNOSUCH", 1, draft("x", layer(null, List.of(ada.id()), List.of(),
                null)))).isEmpty();
    }

    @Test
    void concurrentUpdatesOfOneVersionLetExactlyOneWin() throws Exception {
        Person ada = person("Ada");
        Person bob = person("Bob");
        StoredSchedule s = schedules.createSchedule(draft("Race", layer(null, List.of(ada.id()), List.of(), null)));
        int writers = 6;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<StoredSchedule>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String name = "writer " + i;
                List<String> users = i % 2 == 0 ? List.of(ada.id(), bob.id()) : List.of(bob.id());
                results.add(pool.submit(() -> {
                    go.await();
                    return schedules.updateSchedule(s.id(), s.version(), draft(name,
                            layer(null, users, List.of(), null), layer(null, users, List.of(), null))).orElseThrow();
                }));
            }
            go.countDown();
            List<StoredSchedule> winners = new ArrayList<>();
            int stale = 0;
            for (Future<StoredSchedule> f : results) {
                try {
                    winners.add(f.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(DirectoryException.Stale.class);
                    stale++;
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(stale).isEqualTo(writers - 1);
            assertThat(schedules.schedule(s.id())).contains(winners.getFirst());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readersRacingUpdatesSeeOneWholeVersion() throws Exception {
        Person ada = person("Ada");
        Person bob = person("Bob");
        StoredSchedule s = schedules.createSchedule(draft("Read race",
                layer(null, List.of(ada.id()), List.of(), null), layer(null, List.of(ada.id()), List.of(), null)));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            Future<Integer> writer = pool.submit(() -> {
                long version = s.version();
                for (int i = 0; i < 40; i++) {
                    List<String> users = i % 2 == 0 ? List.of(bob.id(), bob.id()) : List.of(ada.id());
                    version = schedules.updateSchedule(s.id(), version, draft("v" + i,
                            layer(null, users, List.of(), null), layer(null, users, List.of(), null)))
                            .orElseThrow().version();
                }
                writing.set(false);
                return (int) version;
            });
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                readers.add(pool.submit(() -> {
                    int reads = 0;
                    while (writing.get() || reads == 0) {
                        StoredSchedule read = schedules.schedule(s.id()).orElseThrow();
                        List<Layer> layers = read.schedule().layers();
                        assertThat(layers).hasSize(2);
                        assertThat(layers.get(0).userIds()).isEqualTo(layers.get(1).userIds());
                        reads++;
                    }
                    return reads;
                }));
            }
            assertThat(writer.get()).isEqualTo(41);
            for (Future<Integer> r : readers) {
                assertThat(r.get()).isPositive();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void layersMustNameExistingPeople() {
        Person ada = person("Ada");

        assertThatThrownBy(() -> schedules.createSchedule(draft("Bad",
                layer(null, List.of(ada.id(), "PNOSUCH"), List.of(), null))))
                .isInstanceOf(DirectoryException.MissingReference.class)
                .satisfies(e -> assertThat(((DirectoryException) e).errors()).singleElement().asString()
                        .isEqualTo("schedule_layers[0].users[1].user.id: no user with id PNOSUCH"));
        assertThat(schedules.schedules(null, 0, 25).total()).isZero();
    }

    @Test
    void overridesComeBackByWindowInCreationOrder() {
        Person ada = person("Ada");
        Person bob = person("Bob");
        StoredSchedule s = schedules.createSchedule(draft("O", layer(null, List.of(ada.id()), List.of(), null)));
        Instant t = Instant.parse("2026-03-10T00:00:00Z");
        List<ScheduleOverride> first = schedules.addOverrides(s.id(), List.of(
                new ScheduleOverride(null, bob.id(), t, t.plus(Duration.ofHours(6))),
                new ScheduleOverride(null, ada.id(), t.plus(Duration.ofHours(2)), t.plus(Duration.ofHours(3)))))
                .orElseThrow();
        List<ScheduleOverride> second = schedules.addOverrides(s.id(), List.of(
                new ScheduleOverride(null, bob.id(), t.minus(Duration.ofDays(3)), t.minus(Duration.ofDays(2)))))
                .orElseThrow();

        assertThat(schedules.overrides(s.id(), t.minus(Duration.ofDays(7)), t.plus(Duration.ofDays(1))))
                .containsExactly(first.get(0), first.get(1), second.get(0));
        assertThat(schedules.overrides(s.id(), t.plus(Duration.ofHours(3)), t.plus(Duration.ofDays(1))))
                .containsExactly(first.get(0));
        assertThat(schedules.addOverrides("PNOSUCH", List.of(first.get(0)))).isEmpty();
        assertThatThrownBy(() -> schedules.addOverrides(s.id(), List.of(
                new ScheduleOverride(null, ada.id(), t, t.plusSeconds(60)),
                new ScheduleOverride(null, "PNOSUCH", t, t.plusSeconds(60)))))
                .isInstanceOf(DirectoryException.MissingReference.class);
        // the failed batch stored nothing, not even its valid first override
        assertThat(schedules.overrides(s.id(), t, t.plusSeconds(60))).containsExactly(first.get(0));

        assertThat(schedules.deleteOverride(s.id(), first.get(0).id())).isTrue();
        assertThat(schedules.deleteOverride(s.id(), first.get(0).id())).isFalse();
        assertThat(schedules.overrides(s.id(), t, t.plus(Duration.ofDays(1)))).containsExactly(first.get(1));
    }

    @Test
    void aPersonOnAScheduleCannotBeDeletedAndTheRefusalNamesTheSchedules() {
        Person ada = person("Ada");
        Person bob = person("Bob");
        StoredSchedule primary = schedules.createSchedule(draft("Primary", layer(null, List.of(ada.id()), List.of(),
                null)));
        StoredSchedule secondary = schedules.createSchedule(draft("Secondary", layer(null, List.of(bob.id()),
                List.of(), null)));
        schedules.addOverrides(secondary.id(), List.of(new ScheduleOverride(null, ada.id(), START,
                START.plusSeconds(3600))));

        assertThatThrownBy(() -> people.deletePerson(ada.id()))
                .isInstanceOf(DirectoryException.StillReferenced.class)
                .satisfies(e -> assertThat(((DirectoryException) e).errors()).containsExactly(
                        "schedules: Primary (" + primary.id() + ")", "schedules: Secondary (" + secondary.id() + ")"));
        assertThat(people.person(ada.id())).isPresent();

        schedules.deleteSchedule(primary.id());
        schedules.deleteOverride(secondary.id(), schedules.overrides(secondary.id(), START,
                START.plusSeconds(3600)).getFirst().id());
        people.createContactMethod(ada.id(), new ContactMethod.Draft(ContactMethod.Type.EMAIL, "W",
                "ada@example.com", null));
        assertThat(people.deletePerson(ada.id())).isTrue();
        assertThat(people.person(ada.id())).isEmpty();
        assertThat(people.contactMethods(ada.id())).isEmpty();
        assertThat(people.deletePerson(ada.id())).isFalse();
    }

    @Test
    void feedsHaveOneStableUnguessableTokenEachAndDieWithTheirOwner() {
        Person ada = person("Ada");
        StoredSchedule s = schedules.createSchedule(draft("F", layer(null, List.of(ada.id()), List.of(), null)));

        Feed feed = schedules.feed(Feed.Kind.SCHEDULE, s.id());
        Feed userFeed = schedules.feed(Feed.Kind.USER, ada.id());

        assertThat(feed.token()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(userFeed.token());
        assertThat(schedules.feed(Feed.Kind.SCHEDULE, s.id())).isEqualTo(feed);
        assertThat(schedules.feedByToken(feed.token())).contains(feed);
        assertThat(schedules.feedByToken(userFeed.token())).contains(userFeed);
        assertThat(schedules.feedByToken("nope")).isEmpty();
        assertThat(schedules.feedByToken("x".repeat(10_000))).isEmpty();

        schedules.deleteSchedule(s.id());
        assertThat(schedules.feedByToken(feed.token())).isEmpty();
        people.deletePerson(ada.id());
        assertThat(schedules.feedByToken(userFeed.token())).isEmpty();
    }

    @Test
    void everythingSurvivesAReopen() {
        Person ada = person("Ada");
        StoredSchedule s = schedules.createSchedule(draft("Kept", layer(null, List.of(ada.id()), List.of(), null)));
        state.close();

        StateStore again = open(config);

        assertThat(again.scheduleStore().schedule(s.id())).contains(s);
        assertThat(again.peopleStore().person(ada.id())).contains(ada);
    }
}
