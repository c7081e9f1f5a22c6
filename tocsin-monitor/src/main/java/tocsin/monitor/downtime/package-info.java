/**
 * Datadog downtimes: schedules (one-off, RRULE recurrences in a time zone), scopes and the store interface, in the
 * v2 model; {@link tocsin.monitor.downtime.V1Downtime} maps the v1 API's shape onto the same downtimes.
 */
package tocsin.monitor.downtime;
