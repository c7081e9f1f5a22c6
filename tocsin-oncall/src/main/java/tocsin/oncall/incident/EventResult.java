package tocsin.oncall.incident;

/**
 * What an event did. Immutable.
 *
 * @param dedupKey   the alert's dedup key (generated when the event had none)
 * @param incidentId the incident it concerned, or null when it concerned none
 */
public record EventResult(String dedupKey, String incidentId, Outcome outcome) {

    public enum Outcome {
        /** A new incident was opened. */
        OPENED,
        /** A new alert joined an open incident (dedup key or alert grouping). */
        GROUPED,
        /** The alert was already open: counted, nothing else. */
        DEDUPLICATED,
        /** The service is disabled or in maintenance: dropped. */
        SUPPRESSED,
        ACKNOWLEDGED,
        RESOLVED,
        /** Nothing matched (acknowledge or resolve of an unknown or closed dedup key), or nothing changed. */
        IGNORED
    }
}
