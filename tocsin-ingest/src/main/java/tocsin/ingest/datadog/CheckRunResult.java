package tocsin.ingest.datadog;

import tocsin.core.metric.Rejection;
import tocsin.ingest.ServiceCheck;

import java.util.List;

/**
 * What a check-run request yielded: the accepted service checks and the rejected items.
 *
 * <p>Immutable and thread-safe.
 */
public record CheckRunResult(List<ServiceCheck> checks, List<Rejection> rejections) {
    public CheckRunResult {
        checks = List.copyOf(checks);
        rejections = List.copyOf(rejections);
    }

    public boolean partial() {
        return !rejections.isEmpty() && !checks.isEmpty();
    }
}
