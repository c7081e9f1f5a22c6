package tocsin.oncall.escalation;

import tocsin.oncall.paging.EscalationTimer;

/**
 * What the escalation engine reports for monitoring; the server exports it on {@code /metrics}. Implementations must
 * be thread-safe and fast (they run inside transactions).
 */
public interface EscalationObserver {

    /** A level was paged and resolved to nobody: an incident nobody hears about. */
    void nobodyPaged(String incidentId, int level);

    /** A level was paged and {@code people} notification requests were written. */
    void paged(int people);

    /** A timer fired (was claimed and applied). */
    void timerFired(EscalationTimer.Kind kind);

    EscalationObserver NONE = new EscalationObserver() {
        @Override
        public void nobodyPaged(String incidentId, int level) {
        }

        @Override
        public void paged(int people) {
        }

        @Override
        public void timerFired(EscalationTimer.Kind kind) {
        }
    };
}
