/**
 * The front door for changing incidents, {@link tocsin.oncall.incident.Incidents}: events from integrations with
 * PagerDuty's dedup semantics and alert grouping, and people's actions, each one transaction.
 */
package tocsin.oncall.incident;
