package tocsin.state;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tocsin.core.Ids;
import tocsin.core.access.Role;
import tocsin.oncall.directory.ContactAddresses;
import tocsin.oncall.directory.ContactMethod;
import tocsin.oncall.directory.DirectoryException;
import tocsin.oncall.directory.NotificationRule;
import tocsin.oncall.directory.Page;
import tocsin.oncall.directory.PeopleStore;
import tocsin.oncall.directory.Person;
import tocsin.oncall.directory.Team;

/**
 * {@link PeopleStore} on the tables of V001 ({@code app_user}) and V002 ({@code contact_method},
 * {@code notification_rule}, {@code team}, {@code team_member}), in portable SQL.
 *
 * <p>Every check that spans rows is made by the database: unique e-mails by a unique constraint, "the contact method
 * is this person's" by inserting through a {@code SELECT} that finds it, "nobody's schedule names this person" by
 * the foreign keys of the schedule tables (after a first check that names the schedules). Timestamps are the
 * injected clock's. Thread-safe: no state besides the pool.
 */
final class SqlPeopleStore implements PeopleStore {
    private static final Logger log = LoggerFactory.getLogger(SqlPeopleStore.class);

    private static final String PERSON_COLUMNS =
            "id, email, name, role, time_zone, color, description, job_title, created_at";
    private static final String CONTACT_COLUMNS = "id, user_id, type, label, address, country_code, created_at";
    private static final String RULE_COLUMNS = "id, user_id, start_delay_minutes, contact_method_id, urgency";

    private final Jdbc jdbc;
    private final InstantSource clock;

    SqlPeopleStore(Jdbc jdbc, InstantSource clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    // ---- people

    @Override
    public Page<Person> people(String query, Collection<String> teamIds, int offset, int limit) {
        Jdbc.Filter matching = Jdbc.Filter.contains(query, "name", "email");
        Jdbc.Filter filter = teamIds.isEmpty() ? matching : matching.and("id IN (SELECT user_id FROM team_member "
                + "WHERE team_id IN (" + Jdbc.placeholders(teamIds.size()) + "))", teamIds.toArray());
        return jdbc.run("list people", c -> new Page<>(
                Jdbc.query(c, "SELECT " + PERSON_COLUMNS + " FROM app_user" + filter.where()
                        + " ORDER BY LOWER(name), id LIMIT ? OFFSET ?", SqlPeopleStore::readPerson,
                        filter.paged(limit, offset)),
                Jdbc.count(c, "SELECT COUNT(*) FROM app_user" + filter.where(), filter.params())));
    }

    @Override
    public Optional<Person> person(String id) {
        return jdbc.queryOne("find person", "SELECT " + PERSON_COLUMNS + " FROM app_user WHERE id = ?",
                SqlPeopleStore::readPerson, id);
    }

    @Override
    public List<Person> people(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.query("find people", "SELECT " + PERSON_COLUMNS + " FROM app_user WHERE id IN ("
                + Jdbc.placeholders(ids.size()) + ")", SqlPeopleStore::readPerson, ids.toArray());
    }

    @Override
    public Person createPerson(Person.Draft draft) {
        Person created = person(Ids.newObjectId(), draft, now());
        jdbc.transaction("create person", c -> {
            try {
                Jdbc.update(c, "INSERT INTO app_user (" + PERSON_COLUMNS + ", password_hash) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)", created.id(), created.email(),
                        created.name(), created.role().wireName(), created.timeZone().getId(), created.color(),
                        created.description(), created.jobTitle(), created.createdAt().toEpochMilli());
            } catch (SQLException e) {
                throw duplicateEmail(e, created.email());
            }
            return null;
        });
        return created;
    }

    @Override
    public Optional<Person> updatePerson(String id, Person.Draft draft) {
        return jdbc.transaction("update person", c -> {
            Optional<Person> old = Jdbc.query(c, "SELECT " + PERSON_COLUMNS + " FROM app_user WHERE id = ?",
                    SqlPeopleStore::readPerson, id).stream().findFirst();
            if (old.isEmpty()) {
                return Optional.empty();
            }
            Person updated = person(id, draft, old.get().createdAt());
            try {
                Jdbc.update(c, "UPDATE app_user SET email = ?, name = ?, role = ?, time_zone = ?, color = ?, "
                                + "description = ?, job_title = ? WHERE id = ?", updated.email(), updated.name(),
                        updated.role().wireName(), updated.timeZone().getId(), updated.color(),
                        updated.description(), updated.jobTitle(), id);
            } catch (SQLException e) {
                throw duplicateEmail(e, updated.email());
            }
            return Optional.of(updated);
        });
    }

    @Override
    public boolean deletePerson(String id) {
        return jdbc.transaction("delete person", c -> {
            List<String> uses = Jdbc.query(c, "SELECT s.id, s.name FROM schedule s WHERE s.id IN ("
                    + "SELECT l.schedule_id FROM schedule_layer l JOIN schedule_layer_user u ON u.layer_id = l.id "
                    + "WHERE u.user_id = ?) OR s.id IN (SELECT o.schedule_id FROM schedule_override o "
                    + "WHERE o.user_id = ?) ORDER BY LOWER(s.name), s.id",
                    rs -> "schedules: " + rs.getString(2) + " (" + rs.getString(1) + ")", id, id);
            if (!uses.isEmpty()) {
                throw stillOnSchedules(uses);
            }
            Jdbc.update(c, "DELETE FROM calendar_feed WHERE kind = 'user' AND owner_id = ?", id);
            try {
                // contact methods, rules, memberships and sessions go with the row (ON DELETE CASCADE)
                return Jdbc.update(c, "DELETE FROM app_user WHERE id = ?", id) > 0;
            } catch (SQLException e) {
                if (jdbc.dialect().isForeignKeyViolation(e)) {
                    // a schedule named the person between the check and the delete
                    throw stillOnSchedules(List.of("schedules: a schedule was changed to include this user"));
                }
                throw e;
            }
        });
    }

    // ---- contact methods

    @Override
    public List<ContactMethod> contactMethods(String userId) {
        return jdbc.query("list contact methods", "SELECT " + CONTACT_COLUMNS + " FROM contact_method "
                + "WHERE user_id = ? ORDER BY created_at, id", SqlPeopleStore::readContact, userId);
    }

    @Override
    public List<ContactMethod> contactMethodsOf(Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        return jdbc.query("list contact methods", "SELECT " + CONTACT_COLUMNS + " FROM contact_method "
                        + "WHERE user_id IN (" + Jdbc.placeholders(userIds.size()) + ") ORDER BY user_id, created_at, id",
                SqlPeopleStore::readContact, userIds.toArray());
    }

    @Override
    public Optional<ContactMethod> contactMethod(String userId, String id) {
        return jdbc.queryOne("find contact method", "SELECT " + CONTACT_COLUMNS + " FROM contact_method "
                + "WHERE user_id = ? AND id = ?", SqlPeopleStore::readContact, userId, id);
    }

    @Override
    public List<ContactMethod> phoneContactMethods(String e164) {
        if (e164 == null || !e164.matches("\\+[1-9][0-9]{1,14}")) {
            return List.of();
        }
        // E.164 does not mark where the country code ends; it is 1 to 3 digits, so try each split.
        List<Object> args = new ArrayList<>();
        args.add(ContactMethod.Type.PHONE.wireName());
        args.add(ContactMethod.Type.SMS.wireName());
        StringBuilder splits = new StringBuilder();
        for (int cc = 1; cc <= 3 && cc < e164.length() - 1; cc++) {
            splits.append(splits.isEmpty() ? "" : " OR ").append("(country_code = ? AND address = ?)");
            args.add(Integer.parseInt(e164.substring(1, 1 + cc)));
            args.add(e164.substring(1 + cc));
        }
        return jdbc.query("find contact methods by number", "SELECT " + CONTACT_COLUMNS + " FROM contact_method "
                + "WHERE type IN (?, ?) AND (" + splits + ") ORDER BY created_at, id", SqlPeopleStore::readContact,
                args.toArray());
    }

    @Override
    public Optional<ContactMethod> createContactMethod(String userId, ContactMethod.Draft draft) {
        ContactMethod created = new ContactMethod(Ids.newObjectId(), userId, draft.type(), draft.label(),
                ContactAddresses.normalise(draft.type(), draft.address()), draft.countryCode(), now());
        int inserted = jdbc.update("create contact method", "INSERT INTO contact_method (" + CONTACT_COLUMNS
                        + ") SELECT ?, id, ?, ?, ?, ?, ? FROM app_user WHERE id = ?", created.id(),
                created.type().wireName(), created.label(), created.address(), created.countryCode(),
                created.createdAt().toEpochMilli(), userId);
        return inserted > 0 ? Optional.of(created) : Optional.empty();
    }

    @Override
    public Optional<ContactMethod> updateContactMethod(String userId, String id, ContactMethod.Draft draft) {
        return jdbc.transaction("update contact method", c -> {
            Optional<ContactMethod> old = Jdbc.query(c, "SELECT " + CONTACT_COLUMNS + " FROM contact_method "
                    + "WHERE user_id = ? AND id = ?", SqlPeopleStore::readContact, userId, id).stream().findFirst();
            if (old.isEmpty()) {
                return Optional.empty();
            }
            ContactMethod updated = new ContactMethod(id, userId, draft.type(), draft.label(),
                    ContactAddresses.normalise(draft.type(), draft.address()), draft.countryCode(),
                    old.get().createdAt());
            Jdbc.update(c, "UPDATE contact_method SET type = ?, label = ?, address = ?, country_code = ? "
                            + "WHERE id = ?", updated.type().wireName(), updated.label(), updated.address(),
                    updated.countryCode(), id);
            return Optional.of(updated);
        });
    }

    @Override
    public boolean deleteContactMethod(String userId, String id) {
        // its notification rules go with it (ON DELETE CASCADE)
        return jdbc.update("delete contact method", "DELETE FROM contact_method WHERE user_id = ? AND id = ?",
                userId, id) > 0;
    }

    // ---- notification rules

    @Override
    public List<NotificationRule> notificationRules(String userId, NotificationRule.Urgency urgency) {
        List<NotificationRule> all = jdbc.query("list notification rules", "SELECT " + RULE_COLUMNS
                        + " FROM notification_rule WHERE user_id = ? ORDER BY start_delay_minutes, created_at, id",
                SqlPeopleStore::readRule, userId);
        return urgency == null ? all : all.stream().filter(r -> r.urgency().appliesTo(urgency)).toList();
    }

    @Override
    public List<NotificationRule> notificationRulesOf(Collection<String> userIds) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        return jdbc.query("list notification rules", "SELECT " + RULE_COLUMNS + " FROM notification_rule "
                        + "WHERE user_id IN (" + Jdbc.placeholders(userIds.size()) + ") "
                        + "ORDER BY user_id, start_delay_minutes, created_at, id",
                SqlPeopleStore::readRule, userIds.toArray());
    }

    @Override
    public Optional<NotificationRule> notificationRule(String userId, String id) {
        return jdbc.queryOne("find notification rule", "SELECT " + RULE_COLUMNS + " FROM notification_rule "
                + "WHERE user_id = ? AND id = ?", SqlPeopleStore::readRule, userId, id);
    }

    @Override
    public Optional<NotificationRule> createNotificationRule(String userId, NotificationRule.Draft draft) {
        NotificationRule rule = new NotificationRule(Ids.newObjectId(), userId, draft.startDelayInMinutes(),
                draft.contactMethodId(), draft.urgency());
        return jdbc.transaction("create notification rule", c -> {
            int inserted = Jdbc.update(c, "INSERT INTO notification_rule (" + RULE_COLUMNS + ", created_at) "
                            + "SELECT ?, user_id, ?, id, ?, ? FROM contact_method WHERE id = ? AND user_id = ?",
                    rule.id(), rule.startDelayInMinutes(), rule.urgency().wireName(), now().toEpochMilli(),
                    draft.contactMethodId(), userId);
            if (inserted > 0) {
                return Optional.of(rule);
            }
            return missingContactMethod(c, userId, draft.contactMethodId());
        });
    }

    @Override
    public Optional<NotificationRule> updateNotificationRule(String userId, String id,
                                                             NotificationRule.Draft draft) {
        return jdbc.transaction("update notification rule", c -> {
            int updated = Jdbc.update(c, "UPDATE notification_rule SET start_delay_minutes = ?, "
                            + "contact_method_id = ?, urgency = ? WHERE id = ? AND user_id = ? AND EXISTS ("
                            + "SELECT 1 FROM contact_method m WHERE m.id = ? AND m.user_id = ?)",
                    draft.startDelayInMinutes(), draft.contactMethodId(), draft.urgency().wireName(), id, userId,
                    draft.contactMethodId(), userId);
            if (updated > 0) {
                return Optional.of(new NotificationRule(id, userId, draft.startDelayInMinutes(),
                        draft.contactMethodId(), draft.urgency()));
            }
            if (Jdbc.count(c, "SELECT COUNT(*) FROM notification_rule WHERE id = ? AND user_id = ?", id,
                    userId) == 0) {
                return Optional.empty();
            }
            return missingContactMethod(c, userId, draft.contactMethodId());
        });
    }

    @Override
    public boolean deleteNotificationRule(String userId, String id) {
        return jdbc.update("delete notification rule", "DELETE FROM notification_rule WHERE user_id = ? AND id = ?",
                userId, id) > 0;
    }

    // ---- teams

    @Override
    public Page<Team> teams(String query, int offset, int limit) {
        Jdbc.Filter filter = Jdbc.Filter.contains(query, "name");
        return jdbc.run("list teams", c -> new Page<>(
                Jdbc.query(c, "SELECT id, name, description FROM team" + filter.where()
                        + " ORDER BY LOWER(name), id LIMIT ? OFFSET ?", SqlPeopleStore::readTeam,
                        filter.paged(limit, offset)),
                Jdbc.count(c, "SELECT COUNT(*) FROM team" + filter.where(), filter.params())));
    }

    @Override
    public Optional<Team> team(String id) {
        return jdbc.queryOne("find team", "SELECT id, name, description FROM team WHERE id = ?",
                SqlPeopleStore::readTeam, id);
    }

    @Override
    public Team createTeam(String name, String description) {
        Team team = new Team(Ids.newObjectId(), name, description);
        jdbc.update("create team", "INSERT INTO team (id, name, description, created_at) VALUES (?, ?, ?, ?)",
                team.id(), team.name(), team.description(), now().toEpochMilli());
        return team;
    }

    @Override
    public Optional<Team> updateTeam(String id, String name, String description) {
        int updated = jdbc.update("update team", "UPDATE team SET name = ?, description = ? WHERE id = ?", name,
                description, id);
        return updated > 0 ? Optional.of(new Team(id, name, description)) : Optional.empty();
    }

    @Override
    public boolean deleteTeam(String id) {
        return jdbc.update("delete team", "DELETE FROM team WHERE id = ?", id) > 0;
    }

    @Override
    public boolean putMember(String teamId, String userId, Team.Role role) {
        return jdbc.transaction("add team member", c -> {
            if (Jdbc.update(c, "UPDATE team_member SET role = ? WHERE team_id = ? AND user_id = ?",
                    role.wireName(), teamId, userId) > 0) {
                return true;
            }
            try {
                return Jdbc.update(c, "INSERT INTO team_member (team_id, user_id, role) SELECT t.id, u.id, ? "
                        + "FROM team t, app_user u WHERE t.id = ? AND u.id = ?", role.wireName(), teamId, userId) > 0;
            } catch (SQLException e) {
                if (jdbc.dialect().isUniqueViolation(e)) {
                    // a concurrent request added the same membership: the last role asked for wins, as with an update
                    throw new DirectoryException.Stale("The membership of " + userId + " in team " + teamId);
                }
                throw e;
            }
        });
    }

    @Override
    public boolean removeMember(String teamId, String userId) {
        return jdbc.update("remove team member", "DELETE FROM team_member WHERE team_id = ? AND user_id = ?",
                teamId, userId) > 0;
    }

    @Override
    public Page<Team.Member> members(String teamId, int offset, int limit) {
        return jdbc.run("list team members", c -> new Page<>(
                Jdbc.query(c, "SELECT m.team_id, m.user_id, m.role FROM team_member m JOIN app_user u "
                        + "ON u.id = m.user_id WHERE m.team_id = ? ORDER BY LOWER(u.name), u.id LIMIT ? OFFSET ?",
                        SqlPeopleStore::readMember, teamId, limit, offset),
                Jdbc.count(c, "SELECT COUNT(*) FROM team_member WHERE team_id = ?", teamId)));
    }

    @Override
    public List<Team.Member> memberships(Set<String> userIds) {
        if (userIds.isEmpty()) {
            return List.of();
        }
        return jdbc.query("list memberships", "SELECT m.team_id, m.user_id, m.role FROM team_member m JOIN team t "
                        + "ON t.id = m.team_id WHERE m.user_id IN (" + Jdbc.placeholders(userIds.size())
                        + ") ORDER BY LOWER(t.name), t.id", SqlPeopleStore::readMember, userIds.toArray());
    }

    // ---- mapping

    private static Person person(String id, Person.Draft d, Instant createdAt) {
        return new Person(id, AccessFields.email(d.email()), d.name(), d.role(), d.timeZone(), d.color(),
                d.description(), d.jobTitle(), createdAt);
    }

    private static Person readPerson(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        Role role = Role.parse(rs.getString(4)).orElseThrow(() -> new SQLException(
                "user " + id + " has an unknown role in the database"));
        return new Person(id, rs.getString(2), rs.getString(3), role, zone(id, rs.getString(5)), rs.getString(6),
                rs.getString(7), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)));
    }

    private static ContactMethod readContact(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        ContactMethod.Type type = ContactMethod.Type.parse(rs.getString(3)).orElseThrow(() -> new SQLException(
                "contact method " + id + " has an unknown type in the database"));
        int cc = rs.getInt(6);
        Integer countryCode = rs.wasNull() ? null : cc;
        return new ContactMethod(id, rs.getString(2), type, rs.getString(4), rs.getString(5), countryCode,
                Instant.ofEpochMilli(rs.getLong(7)));
    }

    private static NotificationRule readRule(ResultSet rs) throws SQLException {
        String id = rs.getString(1);
        NotificationRule.Urgency urgency = NotificationRule.Urgency.parse(rs.getString(5)).orElseThrow(
                () -> new SQLException("notification rule " + id + " has an unknown urgency in the database"));
        return new NotificationRule(id, rs.getString(2), rs.getInt(3), rs.getString(4), urgency);
    }

    private static Team readTeam(ResultSet rs) throws SQLException {
        return new Team(rs.getString(1), rs.getString(2), rs.getString(3));
    }

    private static Team.Member readMember(ResultSet rs) throws SQLException {
        String userId = rs.getString(2);
        Team.Role role = Team.Role.parse(rs.getString(3)).orElseThrow(() -> new SQLException(
                "membership of " + userId + " has an unknown role in the database"));
        return new Team.Member(rs.getString(1), userId, role);
    }

    /** A stored zone this JDK no longer knows reads as UTC rather than hiding the person. */
    static ZoneId zone(String ownerId, String stored) {
        try {
            return ZoneId.of(stored);
        } catch (DateTimeException e) {
            log.warn("{} has time zone '{}', which this JDK does not know; using UTC", ownerId, stored);
            return ZoneOffset.UTC;
        }
    }

    private <T> Optional<T> missingContactMethod(Connection c, String userId, String contactMethodId)
            throws SQLException {
        if (Jdbc.count(c, "SELECT COUNT(*) FROM app_user WHERE id = ?", userId) == 0) {
            return Optional.empty();
        }
        throw new DirectoryException.MissingReference("contact_method.id",
                "user " + userId + " has no contact method " + contactMethodId);
    }

    private RuntimeException duplicateEmail(SQLException e, String email) {
        if (jdbc.dialect().isUniqueViolation(e)) {
            return new DirectoryException.Duplicate("email", "'" + email + "' is already taken by another user");
        }
        return new StateException("Could not store person: " + e.getMessage(), e);
    }

    private static DirectoryException.StillReferenced stillOnSchedules(List<String> uses) {
        return new DirectoryException.StillReferenced(
                "The user is still on call in schedules; remove them from these schedules first", uses);
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }
}
