package tocsin.query.datadog;

import tocsin.core.metric.Sketch;
import tocsin.query.SourceSketches;
import tocsin.query.datadog.Expr.MetricQuery;
import tocsin.query.datadog.Expr.Modifier;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluates a leaf on a distribution metric, as Datadog evaluates queries of distributions: the sketches of every
 * series of a group whose buckets fall in one grid interval are merged into one sketch (space and time aggregation at
 * once, which is why percentiles stay right across hosts and rollups), and the space aggregator reads that sketch:
 * {@code pNN} its quantile {@code NN/100}, {@code count}, {@code sum}, {@code avg}, {@code min}, {@code max} its exact
 * statistics. A {@code .rollup()} interval only sets the grid (buckets of coarser intervals merge); its aggregator
 * does not apply, since the space aggregator already says what to read from the merged sketch. {@code count:} with
 * {@code .as_rate()} is divided by the interval in seconds; {@code .fill()} fills as for other metrics, and nothing
 * is interpolated by default.
 *
 * <p>Stateless; thread-safe.
 */
final class DistributionReader {
    private DistributionReader() {
    }

    static List<Series> read(MetricQuery q, String agg, List<SourceSketches> selected, Grid grid, long shiftMillis) {
        int n = grid.length();
        double quantile = agg.startsWith("p") ? Double.parseDouble(agg.substring(1)) / 100 : Double.NaN;
        List<SourceSketches> sorted = new ArrayList<>(selected);
        sorted.sort(Comparator.comparing(SourceSketches::key));
        Map<List<String>, Sketch.Builder[]> groups = new TreeMap<>(MetricReader.BY_TAGS);
        for (SourceSketches s : sorted) {
            Sketch.Builder[] buckets = groups.computeIfAbsent(MetricReader.group(q, s.key()),
                    g -> new Sketch.Builder[n]);
            for (int i = 0; i < s.size(); i++) {
                long b = Math.floorDiv(s.timestamp(i) - shiftMillis - grid.startMillis(), grid.intervalMillis());
                if (b < 0 || b >= n) {
                    continue;
                }
                int k = (int) b;
                if (buckets[k] == null) {
                    buckets[k] = Sketch.builder();
                }
                buckets[k].add(s.sketch(i));
            }
        }
        boolean perSecond = agg.equals("count") && q.modifier() == Modifier.AS_RATE;
        List<Series> out = new ArrayList<>(groups.size());
        for (var g : groups.entrySet()) {
            double[] values = new double[n];
            for (int k = 0; k < n; k++) {
                Sketch.Builder b = g.getValue()[k];
                values[k] = b == null ? Double.NaN : value(agg, quantile, b.build());
                if (perSecond) {
                    values[k] /= grid.intervalSeconds();
                }
            }
            if (q.fill() != null) {
                MetricReader.interpolate(values, q.fill().mode(),
                        Math.min(q.fill().limitSeconds(), MetricReader.MAX_FILL_LIMIT_SECONDS), grid.intervalSeconds());
            }
            boolean zeroAligned = agg.equals("count") && q.modifier() != Modifier.NONE;
            out.add(new Series(g.getKey(), values, zeroAligned, Series.leafTags(q, g.getKey())));
        }
        return out;
    }

    private static double value(String agg, double quantile, Sketch merged) {
        return switch (agg) {
            case "count" -> merged.count();
            case "sum" -> merged.sum();
            case "avg" -> merged.avg();
            case "min" -> merged.min();
            case "max" -> merged.max();
            default -> merged.quantile(quantile);
        };
    }
}
