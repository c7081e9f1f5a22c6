/**
 * The on-call directory: the people who are paged (with their contact methods and notification rules), the teams
 * they belong to, and the schedules they are on, as PagerDuty's REST API models them. {@link
 * tocsin.oncall.directory.PeopleStore} and {@link tocsin.oncall.directory.ScheduleStore} are the two query-shaped
 * store interfaces this module owns; the SQL state module implements them. Everything crossing them is an immutable
 * record.
 */
package tocsin.oncall.directory;
