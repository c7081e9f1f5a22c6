/**
 * The paging model, PagerDuty's: escalation policies with their rules and targets, services with urgency rules,
 * support hours, alert grouping and timeouts, integrations and their keys, maintenance windows, incidents with their
 * alerts, log entries and notes, the notification outbox, handoff notifications and escalation timers; and the two
 * store interfaces this module owns ({@link tocsin.oncall.paging.PagingConfigStore},
 * {@link tocsin.oncall.paging.IncidentStore}), implemented by {@code tocsin-state}. Values are immutable records
 * that validate themselves, naming fields as PagerDuty's JSON does ({@link tocsin.oncall.paging.PagingException}).
 */
package tocsin.oncall.paging;
