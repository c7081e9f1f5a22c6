package tocsin.server.notify;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * {@code tocsin_callbacks_total{provider,outcome}}: provider callbacks (Twilio SMS and voice, Slack interactions) by
 * how they ended: {@code acted}, {@code already} (a replay or a second click), {@code forged} (bad or stale
 * signature), {@code invalid} (malformed), {@code unknown_user}, {@code unknown_incident}, {@code ambiguous},
 * {@code help}. Thread-safe.
 */
public final class CallbackMetrics {

    private final Counter counter;

    public CallbackMetrics(PrometheusRegistry registry) {
        this.counter = Counter.builder().name("tocsin_callbacks_total")
                .help("Provider callbacks (Twilio SMS and voice, Slack interactions), by provider and outcome")
                .labelNames("provider", "outcome").register(registry);
    }

    void count(String provider, String outcome) {
        counter.labelValues(provider, outcome).inc();
    }
}
