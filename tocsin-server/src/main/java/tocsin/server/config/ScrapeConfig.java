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
 * @param rules    then, in order, Prometheus's {@code metric_relabel_configs} keep and drop actions on labels
 */
public record ScrapeConfig(String job, List<String> targets, Duration interval, Duration timeout, String scheme,
                           String path, Map<String, String> labels, List<Pattern> keep, List<Pattern> drop,
                           List<Rule> rules) {
    public ScrapeConfig {
        targets = List.copyOf(targets);
        labels = Map.copyOf(labels);
        keep = List.copyOf(keep);
        drop = List.copyOf(drop);
        rules = List.copyOf(rules);
    }

    /** A job without label rules. */
    public ScrapeConfig(String job, List<String> targets, Duration interval, Duration timeout, String scheme,
                        String path, Map<String, String> labels, List<Pattern> keep, List<Pattern> drop) {
        this(job, targets, interval, timeout, scheme, path, labels, keep, drop, List.of());
    }

    /**
     * One {@code metric_relabel_configs} entry with action {@code keep} or {@code drop}, as Prometheus applies it:
     * the values of {@code sourceLabels} ({@code __name__} is the metric name; a missing label is empty), joined
     * with {@code separator}, fully matched by {@code regex}; {@code keep} drops the series when it does not match,
     * {@code drop} when it does.
     */
    public record Rule(List<String> sourceLabels, String separator, Pattern regex, boolean keep) {
        public Rule {
            sourceLabels = List.copyOf(sourceLabels);
        }

        boolean passes(String name, List<String> tags) {
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < sourceLabels.size(); i++) {
                if (i > 0) {
                    joined.append(separator);
                }
                joined.append(value(sourceLabels.get(i), name, tags));
            }
            return regex.matcher(joined).matches() == keep;
        }

        private static String value(String label, String name, List<String> tags) {
            if (label.equals("__name__")) {
                return name;
            }
            String prefix = label + ":";
            for (String tag : tags) {
                if (tag.startsWith(prefix)) {
                    return tag.substring(prefix.length());
                }
            }
            return "";
        }
    }

    /** Whether this series (its metric name, and its tags as {@code label:value}) is stored. */
    public boolean keeps(String metricName, List<String> tags) {
        if (!keeps(metricName)) {
            return false;
        }
        for (Rule r : rules) {
            if (!r.passes(metricName, tags)) {
                return false;
            }
        }
        return true;
    }

    /** Whether series of this metric name are stored, by the name rules alone. */
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
