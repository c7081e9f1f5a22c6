package tocsin.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One scrape job: Prometheus exposition-format targets that Tocsin pulls from, as Prometheus would. Immutable.
 *
 * @param job      the job name, added to every series as tag {@code job:<job>}
 * @param targets  {@code host:port} of each target, added as tag {@code instance:<target>}
 * @param interval time between scrapes of a target
 * @param timeout  how long one scrape may take (at most the interval)
 * @param scheme   http or https
 * @param path     the metrics path
 * @param labels   static labels added to every series of the job
 * @param keep     when not empty, only metric names matching one of these (fully) are kept
 * @param drop     metric names matching one of these (fully) are dropped; drop wins over keep
 */
public record ScrapeConfig(String job, List<String> targets, Duration interval, Duration timeout, String scheme,
                           String path, Map<String, String> labels, List<Pattern> keep, List<Pattern> drop) {
    public ScrapeConfig {
        targets = List.copyOf(targets);
        labels = Map.copyOf(labels);
        keep = List.copyOf(keep);
        drop = List.copyOf(drop);
    }

    /** Whether series of this metric name are stored. */
    public boolean keeps(String metricName) {
        for (Pattern p : drop) {
            if (p.matcher(metricName).matches()) {
                return false;
            }
        }
        if (keep.isEmpty()) {
            return true;
        }
        for (Pattern p : keep) {
            if (p.matcher(metricName).matches()) {
                return true;
            }
        }
        return false;
    }
}
