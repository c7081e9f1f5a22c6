package tocsin.query.datadog;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.query.MetricSource;
import tocsin.query.Points;
import tocsin.query.SourceSeries;
import tocsin.query.SourceRollups;
import tocsin.query.SourceSketches;
import tocsin.query.UnsupportedQueryException;
import tocsin.query.datadog.Expr.Aggregator;
import tocsin.query.datadog.Expr.FillMode;
import tocsin.query.datadog.Expr.MetricQuery;
import tocsin.query.datadog.Expr.Modifier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluates a leaf, {@code space_agg:metric{scope} by {keys}.modifiers}, on a grid. A metric that has distribution
 * sketches in the range is a distribution and is answered from them by {@link DistributionReader} (any space
 * aggregator, percentiles included); {@code count:} and {@code pNN:} on any other metric are refused. Design note for
 * the other metrics, in evaluation order:
 *
 * <ol>
 *   <li><b>Select and read</b> the series the scope picks over the grid's span (shifted for {@code timeshift}),
 *       selected from one bucket earlier. COUNTER series (cumulative totals) are read from that earlier bucket too
 *       and turned into increments, a drop
 *       counting as a reset (the new value is the increment); they then behave as COUNT, as Datadog stores Prometheus
 *       and OTLP cumulative counters.</li>
 *   <li><b>Rollups</b>: when the grid's interval is a multiple of 5 minutes and {@code timeshift} keeps buckets
 *       aligned, the series are selected through {@link MetricSource#selectRollups} instead, already aggregated
 *       into the grid's buckets (a store answers from its downsampled rollups, reading far less for long ranges);
 *       each series whose answer they give exactly ({@link #rollupsAnswer}) is time-aggregated from them, the
 *       others read their points as below. A source without rollups answers null and every series reads points.</li>
 *   <li><b>Time aggregation</b> per series into the grid's buckets, a point belonging to the bucket its timestamp
 *       falls in. The aggregator is {@code .rollup()}'s if given; otherwise, per Datadog's type modifiers page,
 *       {@code sum} for a COUNT or RATE queried {@code .as_count()}/{@code .as_rate()} and {@code avg} for everything
 *       else, COUNT included ("the raw metric itself defaults to the time aggregator AVG"). Under a type modifier a
 *       RATE point stands for {@code rate × interval} events, the interval being the metric's declared one
 *       ({@link MetricSource#rateInterval}, as Datadog's {@code statsd_interval}) or else estimated as the series'
 *       median spacing, and {@code .as_rate()} divides the bucket by the grid interval, so that for both kinds
 *       {@code as_count = as_rate × interval}. GAUGEs ignore the modifiers.</li>
 *   <li><b>Interpolation</b> per series on the buckets: {@code .fill(method, limit)} if given; otherwise linear up
 *       to 300 s when the scope selected more than one series ("Interpolation occurs when more than one source
 *       corresponds to your graph query"), and never under a type modifier on a COUNT or RATE.</li>
 *   <li><b>Space aggregation</b> per group of the {@code by} keys ({@code avg} when the query names none); a series
 *       without a group key joins that key's {@code N/A} group; buckets where every series is empty stay empty.</li>
 * </ol>
 *
 * Stateless; thread-safe when the source is.
 */
final class MetricReader {
    private static final long DEFAULT_FILL_LIMIT_SECONDS = 300;
    /** The finest buckets stores keep rollups in (5 minutes): grids of multiples of it may read rollups. */
    static final long ROLLUP_MILLIS = 300_000;
    static final long MAX_FILL_LIMIT_SECONDS = 600;
    static final Comparator<List<String>> BY_TAGS = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    private final MetricSource source;

    MetricReader(MetricSource source) {
        this.source = source;
    }

    /**
     * @param readToMillis last data time to read, grid time (already clamped to the request's end and to now)
     * @param shiftMillis  data time minus grid time: negative reads the past ({@code hour_before} is -3 600 000)
     */
    List<Series> read(MetricQuery q, Grid grid, long readToMillis, long shiftMillis) {
        String agg = q.spaceAggregator() == null ? "avg" : q.spaceAggregator();
        boolean distributionOnly = !agg.equals("avg") && !agg.equals("sum") && !agg.equals("min")
                && !agg.equals("max");
        if (grid.length() == 0) {
            return List.of();
        }
        long from = grid.startMillis() + shiftMillis;
        long to = Math.min(grid.endMillis() - 1, readToMillis) + shiftMillis;
        if (to < from) {
            return List.of();
        }
        List<SourceSketches> sketches = source.selectSketches(q.metric(), q.filter(), from, to);
        if (!sketches.isEmpty()) {
            return DistributionReader.read(q, agg, sketches, grid, shiftMillis);
        }
        if (distributionOnly) {
            if (!source.select(q.metric(), q.filter(), from, to).isEmpty()) {
                throw new UnsupportedQueryException("the '" + agg + ":' aggregator applies to distribution metrics "
                        + "and " + q.metric() + " is not one; query it with avg, sum, min or max");
            }
            return List.of();
        }
        // one bucket of look-back, so that a COUNTER's first increment has the total before it; other kinds skip
        // points before the grid, and a series seen only in the look-back aggregates to nothing
        long lookBack = from - grid.intervalMillis();
        java.util.OptionalInt declared = q.modifier() == Modifier.NONE ? java.util.OptionalInt.empty()
                : source.rateInterval(q.metric());
        double declaredSeconds = declared.isPresent() ? declared.getAsInt() : Double.NaN;
        List<SourceRollups> rollups = rollupsMayAnswer(grid, shiftMillis)
                ? source.selectRollups(q.metric(), q.filter(), lookBack, to, grid.intervalMillis()) : null;
        Map<SeriesKey, SourceRollups> answering = new HashMap<>();
        List<SourceSeries> selected = new ArrayList<>();
        if (rollups == null) {
            selected.addAll(source.select(q.metric(), q.filter(), lookBack, to));
        } else {
            for (SourceRollups r : rollups) {
                selected.add(new SourceSeries(r.key(), r.kind()));
                if (rollupsAnswer(r, q, declaredSeconds)) {
                    answering.put(r.key(), r);
                }
            }
        }
        selected.sort(Comparator.comparing(SourceSeries::key));
        boolean interpolateByDefault = selected.size() > 1;

        Map<List<String>, List<double[]>> groups = new TreeMap<>(BY_TAGS);
        Map<List<String>, Boolean> gaugeInGroup = new TreeMap<>(BY_TAGS);
        for (SourceSeries s : selected) {
            boolean counter = s.kind() == MetricKind.COUNTER;
            MetricKind kind = counter ? MetricKind.COUNT : s.kind();
            boolean typed = typed(q, kind);
            SourceRollups r = answering.get(s.key());
            double[] buckets = r != null ? timeAggregate(r, counter, kind, q, grid, from, shiftMillis, declaredSeconds)
                    : timeAggregate(source.read(s, counter ? lookBack : from, to), counter, kind, q, grid, from,
                    shiftMillis, declaredSeconds);
            fill(buckets, q, typed, interpolateByDefault, grid.intervalSeconds());
            List<String> group = group(q, s.key());
            groups.computeIfAbsent(group, g -> new ArrayList<>()).add(buckets);
            gaugeInGroup.merge(group, !typed, Boolean::logicalOr);
        }
        List<Series> out = new ArrayList<>(groups.size());
        for (var g : groups.entrySet()) {
            double[] values = spaceAggregate(agg, g.getValue(), grid.length());
            out.add(new Series(g.getKey(), values, !gaugeInGroup.get(g.getKey()), Series.leafTags(q, g.getKey())));
        }
        return out;
    }

    /** The group a series falls in: {@code key:value} per {@code by} key, {@code key:N/A} when it lacks the key. */
    static List<String> group(MetricQuery q, SeriesKey key) {
        List<String> group = new ArrayList<>(q.groupBy().size());
        for (String k : q.groupBy()) {
            group.add(k + ":" + key.tagValue(k).orElse("N/A"));
        }
        return group;
    }

    /**
     * One value per bucket, NaN where the series has no point.
     *
     * @param declaredSeconds the seconds a RATE point stands for, as declared for the metric; NaN when not known
     */
    static double[] timeAggregate(Points p, boolean counter, MetricKind kind, MetricQuery q, Grid grid, long fromMillis,
                                  long shiftMillis, double declaredSeconds) {
        Buckets acc = new Buckets(grid.length());
        boolean typed = typed(q, kind);
        double events = !typed || kind != MetricKind.RATE ? 1
                : Double.isNaN(declaredSeconds) ? samplingSeconds(p, grid) : declaredSeconds;
        double previous = Double.NaN;
        for (int i = 0; i < p.size(); i++) {
            double v = p.value(i);
            if (counter) {
                double total = v;
                v = Double.isNaN(previous) ? Double.NaN : total >= previous ? total - previous : total;
                previous = total;
                if (Double.isNaN(v)) {
                    continue;
                }
            }
            long t = p.timestamp(i);
            if (t < fromMillis) {
                continue;
            }
            int k = acc.bucket(grid, t - shiftMillis);
            if (k >= 0) {
                v *= events;
                acc.add(k, 1, v, v, v);
            }
        }
        return acc.values(q, typed, grid);
    }

    /**
     * {@link #timeAggregate(Points, boolean, MetricKind, MetricQuery, Grid, long, long, double)} from the series'
     * rollups at the grid's interval, for series that {@link #rollupsAnswer}: a bucket's count, sum, min and max are
     * the grid bucket's (a RATE's times its declared interval under a type modifier); a COUNTER's increments in a
     * bucket add up to its counter plus the increment from the bucket before's last point to its first, and are one
     * fewer than its points when no point comes before.
     */
    static double[] timeAggregate(SourceRollups r, boolean counter, MetricKind kind, MetricQuery q, Grid grid,
                                  long fromMillis, long shiftMillis, double declaredSeconds) {
        Buckets acc = new Buckets(grid.length());
        double events = typed(q, kind) && kind == MetricKind.RATE ? declaredSeconds : 1;
        double previousLast = Double.NaN;
        for (int i = 0; i < r.size(); i++) {
            long count = r.count(i);
            double sum = r.sum(i);
            if (counter) {
                boolean before = !Double.isNaN(previousLast);
                double last = previousLast;
                sum = r.counter(i) + (before ? (r.first(i) >= last ? r.first(i) - last : r.first(i)) : 0);
                count -= before ? 0 : 1;
                previousLast = r.last(i);
            }
            long t = r.start(i);
            int k = t < fromMillis || count == 0 ? -1 : acc.bucket(grid, t - shiftMillis);
            if (k >= 0) {
                acc.add(k, count, sum * events, r.min(i) * events, r.max(i) * events);
            }
        }
        return acc.values(q, typed(q, kind), grid);
    }

    private static boolean typed(MetricQuery q, MetricKind kind) {
        return q.modifier() != Modifier.NONE && kind != MetricKind.GAUGE;
    }

    private static Aggregator aggregator(MetricQuery q, boolean typed) {
        return q.rollup() != null && q.rollup().aggregator() != null ? q.rollup().aggregator()
                : typed ? Aggregator.SUM : Aggregator.AVG;
    }

    /** Whether the grid's buckets are whole, aligned multiples of the buckets stores keep rollups in. */
    static boolean rollupsMayAnswer(Grid grid, long shiftMillis) {
        return grid.intervalMillis() % ROLLUP_MILLIS == 0 && Math.floorMod(shiftMillis, grid.intervalMillis()) == 0;
    }

    /**
     * Whether a series' rollups give exactly its points' answer: not for a RATE under a type modifier without a
     * declared interval (a point's weight is then the series' median spacing), nor for the min or max of a COUNTER's
     * increments (not kept), nor for a COUNTER with a NaN or infinite value (whose increments the point path skips in
     * its own way).
     */
    static boolean rollupsAnswer(SourceRollups r, MetricQuery q, double declaredSeconds) {
        boolean counter = r.kind() == MetricKind.COUNTER;
        MetricKind kind = counter ? MetricKind.COUNT : r.kind();
        boolean typed = typed(q, kind);
        if (typed && kind == MetricKind.RATE) {
            return !Double.isNaN(declaredSeconds);
        }
        if (!counter) {
            return true;
        }
        Aggregator agg = aggregator(q, typed);
        if (agg == Aggregator.MIN || agg == Aggregator.MAX) {
            return false;
        }
        for (int i = 0; i < r.size(); i++) {
            if (!Double.isFinite(r.sum(i))) {
                return false;
            }
        }
        return true;
    }

    /** Per-bucket count, sum, min and max, folded into the query's time aggregate. Not thread-safe. */
    private static final class Buckets {
        final double[] sum;
        final double[] min;
        final double[] max;
        final long[] count;

        Buckets(int n) {
            sum = new double[n];
            min = new double[n];
            max = new double[n];
            count = new long[n];
        }

        /** The bucket of grid time {@code t}, or -1 when it is off the grid. */
        int bucket(Grid grid, long t) {
            long b = Math.floorDiv(t - grid.startMillis(), grid.intervalMillis());
            return b < 0 || b >= count.length ? -1 : (int) b;
        }

        void add(int k, long n, double s, double lo, double hi) {
            if (count[k] == 0) {
                min[k] = lo;
                max[k] = hi;
            } else {
                min[k] = Math.min(min[k], lo);
                max[k] = Math.max(max[k], hi);
            }
            sum[k] += s;
            count[k] += n;
        }

        double[] values(MetricQuery q, boolean typed, Grid grid) {
            Aggregator agg = aggregator(q, typed);
            double perSecond = typed && q.modifier() == Modifier.AS_RATE ? grid.intervalSeconds() : 1;
            double[] out = new double[count.length];
            for (int k = 0; k < out.length; k++) {
                if (count[k] == 0) {
                    out[k] = Double.NaN;
                    continue;
                }
                double v = switch (agg) {
                    case AVG -> sum[k] / count[k];
                    case SUM -> sum[k];
                    case MIN -> min[k];
                    case MAX -> max[k];
                    case COUNT -> count[k];
                };
                out[k] = agg == Aggregator.COUNT ? v : v / perSecond;
            }
            return out;
        }
    }

    /**
     * How many seconds one RATE point stands for: the median spacing of the series' points, or the grid interval
     * when the series has a single point.
     */
    static double samplingSeconds(Points p, Grid grid) {
        if (p.size() < 2) {
            return grid.intervalSeconds();
        }
        long[] gaps = new long[p.size() - 1];
        int n = 0;
        for (int i = 1; i < p.size(); i++) {
            long gap = p.timestamp(i) - p.timestamp(i - 1);
            if (gap > 0) {
                gaps[n++] = gap;
            }
        }
        if (n == 0) {
            return grid.intervalSeconds();
        }
        Arrays.sort(gaps, 0, n);
        return gaps[n / 2] / 1000.0;
    }

    private static void fill(double[] buckets, MetricQuery q, boolean typed, boolean interpolateByDefault,
                             long intervalSeconds) {
        if (q.fill() != null) {
            interpolate(buckets, q.fill().mode(), Math.min(q.fill().limitSeconds(), MAX_FILL_LIMIT_SECONDS),
                    intervalSeconds);
        } else if (interpolateByDefault && !typed) {
            interpolate(buckets, FillMode.LINEAR, DEFAULT_FILL_LIMIT_SECONDS, intervalSeconds);
        }
    }

    /**
     * Fills empty buckets that lie at most {@code limitSeconds} after a bucket with a value: {@code linear} between
     * the values around the gap (never past the last value), {@code last} with the value before the gap, {@code zero}
     * with 0; {@code null} fills nothing.
     */
    static void interpolate(double[] v, FillMode mode, long limitSeconds, long intervalSeconds) {
        if (mode == FillMode.NULL) {
            return;
        }
        int n = v.length;
        int[] next = new int[n];
        int following = -1;
        for (int i = n - 1; i >= 0; i--) {
            next[i] = following;
            if (!Double.isNaN(v[i])) {
                following = i;
            }
        }
        int prev = -1;
        for (int i = 0; i < n; i++) {
            if (!Double.isNaN(v[i])) {
                prev = i;
                continue;
            }
            if (prev < 0 || (long) (i - prev) * intervalSeconds > limitSeconds) {
                continue;
            }
            int after = next[i];
            v[i] = switch (mode) {
                case ZERO -> 0;
                case LAST -> v[prev];
                case LINEAR -> after < 0 ? Double.NaN
                        : v[prev] + (v[after] - v[prev]) * (i - prev) / (double) (after - prev);
                case NULL -> Double.NaN;
            };
        }
    }

    static double[] spaceAggregate(String agg, List<double[]> series, int n) {
        double[] out = new double[n];
        for (int k = 0; k < n; k++) {
            double acc = Double.NaN;
            int count = 0;
            for (double[] s : series) {
                double v = s[k];
                if (Double.isNaN(v)) {
                    continue;
                }
                acc = count == 0 ? v : switch (agg) {
                    case "sum", "avg" -> acc + v;
                    case "min" -> Math.min(acc, v);
                    default -> Math.max(acc, v);
                };
                count++;
            }
            out[k] = count > 0 && agg.equals("avg") ? acc / count : acc;
        }
        return out;
    }
}
