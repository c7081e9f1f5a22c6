package tocsin.oncall.directory;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * People, how to reach them and the teams they belong to: what the on-call directory needs from persistence. People
 * are Tocsin's accounts ({@code tocsin.core.access.AccessStore} creates them too); this store adds PagerDuty's
 * profile, contact methods, notification rules and teams.
 *
 * <p>Lists are sorted by name (then id) and filtered by {@code query}, a case-insensitive substring of the name (and
 * for people, of the e-mail); null or blank matches all. Lookups of something absent return empty or false; a
 * person's sub-objects are only found under that person. Implementations are thread-safe.
 */
public interface PeopleStore {

    // ---- people

    /** People matching {@code query}; when {@code teamIds} is not empty, only members of at least one of them. */
    Page<Person> people(String query, Collection<String> teamIds, int offset, int limit);

    Optional<Person> person(String id);

    /** The people with these ids that exist, in no particular order. */
    List<Person> people(Collection<String> ids);

    /**
     * Creates a person without a password (PagerDuty users are paged, not logged in, until given one).
     *
     * @throws DirectoryException.Duplicate when the e-mail is taken
     */
    Person createPerson(Person.Draft draft);

    /**
     * Replaces a person's profile; empty when there is no such person.
     *
     * @throws DirectoryException.Duplicate when the new e-mail is someone else's
     */
    Optional<Person> updatePerson(String id, Person.Draft draft);

    /**
     * Deletes a person with everything that is theirs alone (contact methods, rules, memberships, sessions, feed).
     *
     * @return false when there is no such person
     * @throws DirectoryException.StillReferenced when a schedule layer or override still names them
     */
    boolean deletePerson(String id);

    // ---- contact methods

    List<ContactMethod> contactMethods(String userId);

    /** The contact methods of all of {@code userIds}, each person's in creation order: one query for a page. */
    List<ContactMethod> contactMethodsOf(Collection<String> userIds);

    Optional<ContactMethod> contactMethod(String userId, String id);

    /**
     * The phone and SMS contact methods, of anyone, whose number is {@code e164} ({@code +15557654321}): who an
     * inbound text or call is from. Usually one; several when people share a phone.
     */
    List<ContactMethod> phoneContactMethods(String e164);

    /** Empty when there is no such person. */
    Optional<ContactMethod> createContactMethod(String userId, ContactMethod.Draft draft);

    Optional<ContactMethod> updateContactMethod(String userId, String id, ContactMethod.Draft draft);

    /** Deletes a contact method and the notification rules that use it. */
    boolean deleteContactMethod(String userId, String id);

    // ---- notification rules

    /** The person's rules, by start delay; {@code urgency} null for all, else those that apply to it. */
    List<NotificationRule> notificationRules(String userId, NotificationRule.Urgency urgency);

    /** The notification rules of all of {@code userIds}, each person's by start delay: one query for a page. */
    List<NotificationRule> notificationRulesOf(Collection<String> userIds);

    Optional<NotificationRule> notificationRule(String userId, String id);

    /**
     * Empty when there is no such person.
     *
     * @throws DirectoryException.MissingReference when the contact method is not that person's
     */
    Optional<NotificationRule> createNotificationRule(String userId, NotificationRule.Draft draft);

    Optional<NotificationRule> updateNotificationRule(String userId, String id, NotificationRule.Draft draft);

    boolean deleteNotificationRule(String userId, String id);

    // ---- teams

    Page<Team> teams(String query, int offset, int limit);

    Optional<Team> team(String id);

    Team createTeam(String name, String description);

    Optional<Team> updateTeam(String id, String name, String description);

    /** Deletes a team and its memberships. */
    boolean deleteTeam(String id);

    /**
     * Adds a person to a team or changes their role there.
     *
     * @return false when the team or the person does not exist
     */
    boolean putMember(String teamId, String userId, Team.Role role);

    boolean removeMember(String teamId, String userId);

    /** A team's members, by name of the person. */
    Page<Team.Member> members(String teamId, int offset, int limit);

    /** The teams each of {@code userIds} belongs to, by team name. */
    List<Team.Member> memberships(Set<String> userIds);
}
