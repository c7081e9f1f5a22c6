package tocsin.monitor.eval;

import tocsin.monitor.template.Handle;

import java.util.Map;

/**
 * Opens and resolves incidents for {@code @pagerduty-<Service>} and {@code @oncall-<team>} handles, one per monitor
 * group ({@code dedupKey}), so that escalation pages the on-call person. Owned by this module; the server wires it
 * to the incident pipeline. Called by the {@link IncidentDispatcher} from the durable outbox the evaluator writes with
 * each transition, so a call may be repeated after a crash: implementations are thread-safe, triggering an open
 * dedup key again must not open a second incident, and resolving a key that names nothing open must be a no-op.
 * Throwing makes the dispatcher retry.
 */
public interface IncidentSink {
    /**
     * @param target  the handle: {@link Handle.Kind#PAGERDUTY} names a service, {@link Handle.Kind#ONCALL} a team
     * @param details monitor id, group, status, value and the rendered message
     */
    void trigger(Handle target, String dedupKey, String summary, Map<String, String> details);

    void resolve(Handle target, String dedupKey);

    /** Opens nothing; the monitor's history keeps the intended notification. */
    IncidentSink RECORD_ONLY = new IncidentSink() {
        @Override
        public void trigger(Handle target, String dedupKey, String summary, Map<String, String> details) {
        }

        @Override
        public void resolve(Handle target, String dedupKey) {
        }
    };
}
