/** Datadog v2 downtimes: schedules (one-off, RRULE recurrences in a time zone), scopes and the store interface. */
package tocsin.monitor.downtime;
