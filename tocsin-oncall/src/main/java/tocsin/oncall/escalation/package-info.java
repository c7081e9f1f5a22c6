/**
 * The escalation engine ({@link tocsin.oncall.escalation.EscalationEngine}, whose header is the design note), its
 * ticker, on-call handoff notifications and on-call listings, and the lookups it needs from the directory
 * ({@link tocsin.oncall.escalation.UserLookup}, {@link tocsin.oncall.escalation.ScheduleLookup}), owned here so that
 * any directory can plug in.
 */
package tocsin.oncall.escalation;
