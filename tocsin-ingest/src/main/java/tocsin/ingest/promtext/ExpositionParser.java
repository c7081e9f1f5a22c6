package tocsin.ingest.promtext;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.PromMetadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Prometheus text exposition format 0.0.4 (and the OpenMetrics text that Prometheus clients also serve)
 * from a scrape, into points.
 *
 * <p>Each sample line {@code name{label="value",...} value [timestamp_ms]} becomes a point of series {@code name} with
 * tags {@code label:value} plus the scrape's target tags; samples without a timestamp get the scrape time. Kinds come
 * from {@code # TYPE}: counter → COUNTER; a histogram's {@code _bucket}/{@code _count}/{@code _sum} and a summary's
 * {@code _count}/{@code _sum} → COUNTER; everything else GAUGE. {@code NaN} and {@code ±Inf} samples are skipped with
 * a reason (the store keeps finite values). Lines that cannot be read are rejected as {@code line <n>} and the rest of
 * the scrape is kept. A family's {@code # TYPE}, {@code # HELP} and {@code # UNIT} are declared as its metric
 * metadata ({@link PromMetadata}) when the scrape kept a sample of it. Stateless: one parser may serve many scrapes
 * at once.
 */
public final class ExpositionParser {
    private final IngestLimits limits;

    public ExpositionParser(IngestLimits limits) {
        this.limits = limits;
    }

    /** Which series of a scrape are stored: by metric name and tags ({@code label:value}, the target's included). */
    @FunctionalInterface
    public interface SeriesFilter {
        boolean keeps(String name, List<String> tags);
    }

    /**
     * @param body       the scrape body
     * @param targetTags tags every series of this target carries ({@code job:node}, {@code instance:host:9100})
     * @param keep       which series to keep, asked once its name and labels are read
     * @param scrapeMillis the scrape time, for samples without their own timestamp
     */
    public IngestResult parse(byte[] body, List<String> targetTags, SeriesFilter keep, long scrapeMillis) {
        String text = new String(body, StandardCharsets.UTF_8);
        IngestResult.Builder out = IngestResult.builder(Math.max(16, text.length() / 60));
        Map<String, String> types = new HashMap<>();
        Map<String, String> helps = new HashMap<>();
        Map<String, String> units = new HashMap<>();
        java.util.Set<String> kept = new java.util.HashSet<>();
        int lineNo = 0;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            lineNo++;
            String line = text.substring(start, end).strip();
            start = end + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                comment(line, types, helps, units);
                continue;
            }
            try {
                String name = sample(line, lineNo, types, targetTags, keep, scrapeMillis, out);
                if (name != null) {
                    kept.add(name);
                }
            } catch (ParseProblem p) {
                out.reject("line " + lineNo, p.getMessage());
            }
        }
        java.util.Set<String> families = new java.util.HashSet<>(types.keySet());
        families.addAll(helps.keySet());
        for (String family : families) {
            Map<String, MetricMetadata> declared = PromMetadata.declarations(family, types.get(family),
                    helps.get(family), units.get(family));
            declared.forEach((metric, m) -> {
                if (kept.contains(metric)) {
                    out.declare(metric, m);
                }
            });
        }
        return out.build();
    }

    /** A {@code # TYPE}, {@code # HELP} or {@code # UNIT} line; other comments say nothing. */
    private static void comment(String line, Map<String, String> types, Map<String, String> helps,
                                Map<String, String> units) {
        String[] f = line.substring(1).strip().split("\\s+", 3);
        if (f.length < 3) {
            return;
        }
        switch (f[0]) {
            case "TYPE" -> types.put(f[1], f[2].strip().toLowerCase(java.util.Locale.ROOT));
            case "HELP" -> helps.put(f[1], f[2].strip());
            case "UNIT" -> units.put(f[1], f[2].strip());
            default -> {
            }
        }
    }

    /** Reads a sample line; returns the name of the series it added a point to, or null when it added none. */
    private String sample(String line, int lineNo, Map<String, String> types, List<String> targetTags,
                          SeriesFilter keep, long scrapeMillis, IngestResult.Builder out) {
        int i = 0;
        int n = line.length();
        while (i < n && isNameChar(line.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0) {
            throw new ParseProblem("expected a metric name, got '" + abbreviate(line) + "'");
        }
        String name = line.substring(0, i);
        if (name.length() > limits.maxNameLength()) {
            throw new ParseProblem("metric name is " + name.length() + " characters, more than "
                    + limits.maxNameLength());
        }
        List<String> tags = new ArrayList<>(targetTags);
        if (i < n && line.charAt(i) == '{') {
            i = labels(line, i + 1, tags);
        }
        String[] rest = line.substring(i).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            throw new ParseProblem("'" + name + "' has no value");
        }
        if (rest.length > 2 && !rest[2].startsWith("#")) {
            throw new ParseProblem("unexpected text after the timestamp: '" + abbreviate(rest[2]) + "'");
        }
        double value = number(rest[0]);
        long ts = scrapeMillis;
        if (rest.length > 1 && !rest[1].startsWith("#")) {
            try {
                ts = Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                // OpenMetrics timestamps are seconds with a fraction
                try {
                    ts = Math.round(Double.parseDouble(rest[1]) * 1000);
                } catch (NumberFormatException e2) {
                    throw new ParseProblem("timestamp '" + abbreviate(rest[1]) + "' is not a number");
                }
            }
        }
        if (!keep.keeps(name, tags)) {
            return null;
        }
        if (!Double.isFinite(value)) {
            out.reject("line " + lineNo, "'" + name + "' value " + rest[0] + " is not a finite number; skipped");
            return null;
        }
        if (tags.size() > limits.maxTagsPerSeries()) {
            throw new ParseProblem("'" + name + "' has " + tags.size() + " labels, more than " + limits.maxTagsPerSeries());
        }
        out.add(SeriesKey.of(name, tags), kind(name, types), ts, value);
        return name;
    }

    /** Reads {@code a="x",b="y"}, up to and including the closing brace; returns the index after it. */
    private int labels(String line, int i, List<String> tags) {
        int n = line.length();
        while (true) {
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i < n && line.charAt(i) == '}') {
                return i + 1;
            }
            int nameStart = i;
            while (i < n && isNameChar(line.charAt(i), i == nameStart) && line.charAt(i) != ':') {
                i++;
            }
            if (i == nameStart) {
                throw new ParseProblem("expected a label name at column " + (i + 1));
            }
            String label = line.substring(nameStart, i);
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i >= n || line.charAt(i) != '=') {
                throw new ParseProblem("expected '=' after label '" + label + "' at column " + (i + 1));
            }
            i++;
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i >= n || line.charAt(i) != '"') {
                throw new ParseProblem("expected '\"' to open the value of label '" + label + "' at column " + (i + 1));
            }
            i++;
            StringBuilder value = new StringBuilder();
            boolean closed = false;
            while (i < n) {
                char c = line.charAt(i++);
                if (c == '\\' && i < n) {
                    char e = line.charAt(i++);
                    value.append(e == 'n' ? '\n' : e);
                } else if (c == '"') {
                    closed = true;
                    break;
                } else {
                    value.append(c);
                }
            }
            if (!closed) {
                throw new ParseProblem("the value of label '" + label + "' is not closed");
            }
            if (!value.isEmpty()) {
                String tag = label + ":" + value;
                if (tag.length() > limits.maxTagLength()) {
                    throw new ParseProblem("label '" + label + "' is " + tag.length() + " characters, more than "
                            + limits.maxTagLength());
                }
                tags.add(tag);
            }
            while (i < n && line.charAt(i) == ' ') {
                i++;
            }
            if (i < n && line.charAt(i) == ',') {
                i++;
            } else if (i < n && line.charAt(i) == '}') {
                return i + 1;
            } else {
                throw new ParseProblem("expected ',' or '}' at column " + (i + 1));
            }
        }
    }

    static MetricKind kind(String name, Map<String, String> types) {
        String type = types.get(name);
        if (type != null) {
            return type.equals("counter") ? MetricKind.COUNTER : MetricKind.GAUGE;
        }
        for (String suffix : new String[]{"_bucket", "_count", "_sum", "_total", "_created"}) {
            if (name.endsWith(suffix)) {
                String family = types.get(name.substring(0, name.length() - suffix.length()));
                if (family != null) {
                    boolean cumulative = family.equals("counter")
                            || ((family.equals("histogram") || family.equals("gaugehistogram"))
                            && !suffix.equals("_created"))
                            || (family.equals("summary") && (suffix.equals("_count") || suffix.equals("_sum")));
                    return cumulative && !family.equals("gaugehistogram") ? MetricKind.COUNTER : MetricKind.GAUGE;
                }
            }
        }
        return MetricKind.GAUGE;
    }

    private static double number(String s) {
        switch (s) {
            case "NaN":
                return Double.NaN;
            case "+Inf", "Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new ParseProblem("value '" + abbreviate(s) + "' is not a number");
                }
        }
    }

    private static boolean isNameChar(char c, boolean first) {
        return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (!first && c >= '0' && c <= '9');
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    /** One unreadable line; caught per line. */
    private static final class ParseProblem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ParseProblem(String message) {
            super(message, null, false, false);
        }
    }
}
