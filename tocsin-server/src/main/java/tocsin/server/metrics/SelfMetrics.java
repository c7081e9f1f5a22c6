package tocsin.server.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import tocsin.server.http.Dialect;
import tocsin.server.http.RequestObserver;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Tocsin's own metrics, one registry per server instance (so several servers in one JVM, as in tests, do not share
 * counters). Stages register their meters here; {@link #scrape()} renders the Prometheus text format. Thread-safe.
 */
public final class SelfMetrics implements RequestObserver {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter httpRequests;
    private final Histogram httpDuration;

    public SelfMetrics() {
        JvmMetrics.builder().register(registry);
        httpRequests = Counter.builder()
                .name("tocsin_http_requests_total")
                .help("HTTP requests served, by route family, method, route pattern and status code")
                .labelNames("family", "method", "route", "code")
                .register(registry);
        httpDuration = Histogram.builder()
                .name("tocsin_http_request_duration_seconds")
                .help("Time to serve HTTP requests, by route family")
                .labelNames("family")
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void finished(Dialect dialect, String method, String route, int status, long nanos) {
        String family = dialect.name().toLowerCase(Locale.ROOT);
        httpRequests.labelValues(family, method, route, Integer.toString(status)).inc();
        httpDuration.labelValues(family).observe(nanos / 1e9);
    }

    /** The current values in Prometheus text exposition format 0.0.4. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }
}
