package tocsin.server.intake;

import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.ServiceCheck;

import java.util.ArrayList;
import java.util.List;

/**
 * Service checks (Datadog {@code check_run}, DogStatsD {@code _sc}) are kept as points of one reserved metric,
 * {@value #METRIC}, tagged {@code check:<name>}, {@code host:<host>} and the check's own tags, valued with the
 * status code (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). So the latest status of any check is a query away, and
 * service-check monitors read them like any other series. The message is not stored. Stateless.
 */
public final class ServiceCheckSeries {
    public static final String METRIC = "service_check.status";

    private ServiceCheckSeries() {
    }

    public static SeriesKey key(ServiceCheck check) {
        List<String> tags = new ArrayList<>(check.tags().size() + 2);
        tags.addAll(check.tags());
        tags.add("check:" + check.name());
        if (!check.host().isEmpty()) {
            tags.add("host:" + check.host());
        }
        return SeriesKey.of(METRIC, tags);
    }

    public static void add(MetricBatch batch, ServiceCheck check) {
        batch.add(key(check), MetricKind.GAUGE, check.timestamp().toEpochMilli(), check.status().code());
    }
}
