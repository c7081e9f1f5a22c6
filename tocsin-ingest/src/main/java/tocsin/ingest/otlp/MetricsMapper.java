package tocsin.ingest.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.ingest.DatadogNames;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.SeriesKeyBuilder;
import tocsin.ingest.TimeWindow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Maps a decoded {@link ExportMetricsServiceRequest}, whichever encoding it came in, to points and rejections, by
 * the rules {@link OtlpMetricsDecoder} documents.
 *
 * <p>Rejections name a data point ({@code resourceMetrics[0].scopeMetrics[1].metrics[2].gauge.dataPoints[3]}) or,
 * when a metric is unusable as a whole, the metric's field ({@code ...metrics[2].name}); a rejected metric counts
 * each of its data points, so that {@link IngestResult#rejectedItems()} is the {@code rejected_data_points} the
 * OTLP response reports. A point that is stored only in part (a histogram whose sum is NaN, an exponential
 * histogram's buckets) is stored and listed once with what was left out.
 *
 * <p>Not thread-safe: one per request.
 */
final class MetricsMapper {
    private static final int NO_RECORDED_VALUE = DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** The temporality of gauges and summaries, which have none. */
    private static final int NO_TEMPORALITY = -1;

    private final IngestResult.Builder out;
    private final SeriesKeyBuilder keys;
    private final IngestLimits limits;
    private final TimeWindow window;
    private final StringBuilder notes = new StringBuilder();

    // the scope being mapped
    private List<AttributeTags.Tag> contextTags = List.of();

    private MetricsMapper(IngestLimits limits, TimeWindow window, IngestResult.Builder out) {
        this.out = out;
        this.keys = new SeriesKeyBuilder(limits, SeriesKeyBuilder.Rules.DATADOG);
        this.limits = limits;
        this.window = window;
    }

    static IngestResult map(ExportMetricsServiceRequest request, long nowMillis, IngestLimits limits,
                            int expectedPoints) {
        IngestResult.Builder out = IngestResult.builder(Math.max(16, expectedPoints));
        new MetricsMapper(limits, limits.window(nowMillis), out).request(request);
        return out.build();
    }

    private void request(ExportMetricsServiceRequest request) {
        for (int i = 0; i < request.getResourceMetricsCount(); i++) {
            ResourceMetrics rm = request.getResourceMetrics(i);
            List<AttributeTags.Tag> resourceTags = AttributeTags.resource(rm.getResource().getAttributesList());
            for (int j = 0; j < rm.getScopeMetricsCount(); j++) {
                ScopeMetrics sm = rm.getScopeMetrics(j);
                List<AttributeTags.Tag> tags = new ArrayList<>(resourceTags);
                tags.addAll(AttributeTags.scope(sm.getScope()));
                contextTags = tags;
                String scopeItem = "resourceMetrics[" + i + "].scopeMetrics[" + j + "].metrics[";
                for (int k = 0; k < sm.getMetricsCount(); k++) {
                    metric(sm.getMetrics(k), scopeItem + k + "]");
                }
            }
        }
    }

    private void metric(Metric m, String item) {
        switch (m.getDataCase()) {
            case GAUGE -> each(m, item, "gauge", m.getGauge().getDataPointsList(), NO_TEMPORALITY, MetricKind.GAUGE,
                    null, (p, points, i, name) -> number(p, points, i, name, MetricKind.GAUGE));
            case SUM -> {
                int temporality = m.getSum().getAggregationTemporalityValue();
                MetricKind kind = switch (temporality) {
                    case AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE_VALUE ->
                            m.getSum().getIsMonotonic() ? MetricKind.COUNTER : MetricKind.GAUGE;
                    case AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA_VALUE -> MetricKind.COUNT;
                    default -> null;
                };
                each(m, item, "sum", m.getSum().getDataPointsList(), temporality, kind, null,
                        (p, points, i, name) -> number(p, points, i, name, kind));
            }
            case HISTOGRAM -> {
                int temporality = m.getHistogram().getAggregationTemporalityValue();
                MetricKind kind = countKind(temporality);
                each(m, item, "histogram", m.getHistogram().getDataPointsList(), temporality, kind, ".bucket",
                        (p, points, i, name) -> histogram(p, points, i, name, kind, null));
            }
            case EXPONENTIAL_HISTOGRAM -> {
                int temporality = m.getExponentialHistogram().getAggregationTemporalityValue();
                MetricKind kind = countKind(temporality);
                each(m, item, "exponentialHistogram", m.getExponentialHistogram().getDataPointsList(), temporality,
                        kind, ".count", (p, points, i, name) -> exponentialHistogram(p, points, i, name, kind));
            }
            case SUMMARY -> each(m, item, "summary", m.getSummary().getDataPointsList(), NO_TEMPORALITY,
                    MetricKind.COUNTER, ".quantile", this::summary);
            default -> reject(item, "has no data: expected one of gauge, sum, histogram, exponentialHistogram or "
                    + "summary");
        }
    }

    /** Maps one data point; {@code points} names the array it is in, for rejections. */
    @FunctionalInterface
    private interface PointMapper<P> {
        void map(P point, String points, int index, String name);
    }

    /**
     * Maps each data point of a metric, once its temporality and name are known to be usable; otherwise rejects
     * the metric.
     *
     * @param type          the metric's data field ({@code gauge}, {@code sum}, ...)
     * @param temporality   the aggregation temporality, or {@link #NO_TEMPORALITY} for types without one
     * @param kind          the kind the temporality maps to, null when it maps to none
     * @param longestSuffix the longest suffix the metric's series get, checked against the name limit too
     */
    private <P> void each(Metric m, String item, String type, List<P> points, int temporality, MetricKind kind,
                          String longestSuffix, PointMapper<P> mapper) {
        if (kind == null) {
            rejectMetric(item + "." + type + ".aggregationTemporality", "aggregation temporality " + temporality
                    + (temporality == 0 ? " (unspecified)" : "") + " is not 1 (delta) or 2 (cumulative)",
                    points.size());
            return;
        }
        String name = name(m, item, longestSuffix, points.size());
        if (name == null) {
            return;
        }
        String at = item + "." + type + ".dataPoints";
        int accepted = out.acceptedPoints();
        for (int i = 0; i < points.size(); i++) {
            mapper.map(points.get(i), at, i, name);
        }
        if (longestSuffix == null && out.acceptedPoints() > accepted) {
            declare(m, name, kind);
        }
    }

    /**
     * What a gauge's or sum's series say about their metric, for the metadata store: its type (a sum that counts is
     * a {@code count}, as Datadog maps it), its unit in Datadog's names, and its description.
     */
    private void declare(Metric m, String name, MetricKind kind) {
        MetricMetadata units = OtlpUnits.of(m.getUnit());
        out.declare(name, new MetricMetadata(kind == MetricKind.GAUGE ? "gauge" : "count", null, units.unit(),
                units.perUnit(), MetricMetadata.description(m.getDescription()), null, null));
    }

    /** Delta counts sum over time; cumulative counts are counters. */
    private static MetricKind countKind(int temporality) {
        return switch (temporality) {
            case AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE_VALUE -> MetricKind.COUNTER;
            case AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA_VALUE -> MetricKind.COUNT;
            default -> null;
        };
    }

    /**
     * The metric's name after normalisation, checked once for all its points; null when unusable, after rejecting
     * the metric.
     *
     * @param longestSuffix the longest suffix the metric's series get, checked against the name limit too
     */
    private String name(Metric m, String item, String longestSuffix, int points) {
        SeriesKey key = keys.reset().name(m.getName(), "name").build();
        String problem = key == null ? keys.problem()
                : longestSuffix == null ? null : keys.nameProblem(key.name() + longestSuffix);
        if (problem != null) {
            rejectMetric(item + ".name", key == null ? problem : "with its suffix " + longestSuffix + ", " + problem,
                    points);
            return null;
        }
        return key.name();
    }

    // ---- data points ----

    private void number(NumberDataPoint p, String points, int i, String name, MetricKind kind) {
        long millis = time(p.getTimeUnixNano(), p.getFlags(), points, i);
        if (millis == Long.MIN_VALUE) {
            return;
        }
        double value;
        switch (p.getValueCase()) {
            case AS_DOUBLE -> value = p.getAsDouble();
            case AS_INT -> value = p.getAsInt();
            default -> {
                reject(points, i, "has no value: expected asDouble or asInt");
                return;
            }
        }
        if (!Double.isFinite(value)) {
            reject(points, i, "value " + value + " is not a finite number");
            return;
        }
        SeriesKey key = key(name, p.getAttributesList(), points, i);
        if (key != null) {
            out.add(key, kind, millis, value);
        }
    }

    /**
     * @param note what the point leaves out in any case, or null
     * @return the point's series key without suffix, or null when the point was refused as a whole
     */
    private SeriesKey histogram(HistogramDataPoint p, String points, int i, String name, MetricKind kind,
                                String note) {
        long millis = time(p.getTimeUnixNano(), p.getFlags(), points, i);
        if (millis == Long.MIN_VALUE) {
            return null;
        }
        int buckets = p.getBucketCountsCount();
        int bounds = p.getExplicitBoundsCount();
        if (buckets != 0 && buckets != bounds + 1) {
            reject(points, i, "has " + buckets + " bucketCounts for " + bounds + " explicitBounds; expected "
                    + (bounds + 1) + " (or none)");
            return null;
        }
        for (int b = 0; buckets > 0 && b < bounds; b++) {
            double bound = p.getExplicitBounds(b);
            if (!Double.isFinite(bound) || (b > 0 && bound <= p.getExplicitBounds(b - 1))) {
                reject(points, i, "explicitBounds[" + b + "] " + bound + " is not a finite number above the one "
                        + "before it");
                return null;
            }
        }
        SeriesKey base = key(name, p.getAttributesList(), points, i);
        if (base == null || (buckets > 0 && !roomForTags(base, 2, "bucket", points, i))) {
            return null;
        }
        String[] tags = base.tags().toArray(String[]::new);
        notes.setLength(0);
        if (note != null) {
            note(note);
        }
        out.add(SeriesKey.of(name + ".count", tags), kind, millis, unsigned(p.getCount()));
        if (p.hasSum()) {
            emit(name, ".sum", tags, kind, millis, p.getSum(), "sum");
        }
        if (p.hasMin()) {
            emit(name, ".min", tags, MetricKind.GAUGE, millis, p.getMin(), "min");
        }
        if (p.hasMax()) {
            emit(name, ".max", tags, MetricKind.GAUGE, millis, p.getMax(), "max");
        }
        String bucketName = name + ".bucket";
        String[] bucketTags = Arrays.copyOf(tags, tags.length + 2);
        for (int b = 0; b < buckets; b++) {
            double lower = b == 0 ? Double.NEGATIVE_INFINITY : p.getExplicitBounds(b - 1);
            double upper = b == bounds ? Double.POSITIVE_INFINITY : p.getExplicitBounds(b);
            bucketTags[tags.length] = DatadogNames.normalizeTag("lower_bound:" + FloatText.bound(lower));
            bucketTags[tags.length + 1] = DatadogNames.normalizeTag("upper_bound:" + FloatText.bound(upper));
            out.add(SeriesKey.of(bucketName, bucketTags), kind, millis, unsigned(p.getBucketCounts(b)));
        }
        rejectNotes(points, i);
        return base;
    }

    /**
     * An exponential histogram point maps as an explicit-bucket histogram point without buckets ({@code .count},
     * {@code .sum}, {@code .min}, {@code .max}); a delta point's buckets also become a distribution point of
     * {@code name} (one sketch, as Datadog maps exponential histograms), so that percentiles of it are a query away
     * and merge across hosts. A cumulative point's buckets cover everything since its start: they are not stored,
     * and the point says so.
     */
    private void exponentialHistogram(ExponentialHistogramDataPoint p, String points, int i, String name,
                                      MetricKind kind) {
        HistogramDataPoint.Builder aggregates = HistogramDataPoint.newBuilder()
                .setTimeUnixNano(p.getTimeUnixNano()).setFlags(p.getFlags()).addAllAttributes(p.getAttributesList())
                .setCount(p.getCount());
        if (p.hasSum()) {
            aggregates.setSum(p.getSum());
        }
        if (p.hasMin()) {
            aggregates.setMin(p.getMin());
        }
        if (p.hasMax()) {
            aggregates.setMax(p.getMax());
        }
        boolean buckets = p.getZeroCount() != 0 || p.getPositive().getBucketCountsCount() > 0
                || p.getNegative().getBucketCountsCount() > 0;
        boolean delta = kind == MetricKind.COUNT;
        SeriesKey base = histogram(aggregates.build(), points, i, name, kind, buckets && !delta ? "the buckets of "
                + "a cumulative exponential histogram are not stored; only " + name + ".count, .sum, .min and .max are"
                : null);
        if (base == null || !delta || !buckets) {
            return; // no distribution point: refused as a whole, cumulative, or empty
        }
        String problem = sketchProblem(p);
        if (problem != null) {
            reject(points, i, problem);
            return;
        }
        // the time was checked by histogram(): converting it again refuses nothing
        out.addSketch(base, time(p.getTimeUnixNano(), p.getFlags(), points, i), sketch(p));
    }

    /** Why {@code p}'s buckets cannot be a sketch, or null: a scale out of OTLP's range, or a bucket past doubles. */
    private static String sketchProblem(ExponentialHistogramDataPoint p) {
        if (p.getScale() < -10 || p.getScale() > 20) {
            return "scale " + p.getScale() + " is outside OTLP's range of -10 to 20";
        }
        for (var side : List.of(p.getPositive(), p.getNegative())) {
            int last = side.getOffset() + side.getBucketCountsCount() - 1;
            if (side.getBucketCountsCount() > 0 && !Double.isFinite(bucketValue(p.getScale(), last))) {
                return "a bucket at index " + last + " of scale " + p.getScale() + " lies beyond the largest double";
            }
        }
        return null;
    }

    /**
     * The point's distribution: each bucket's count at the bucket's geometric middle ({@code base^(i + 1/2)}, with
     * {@code base = 2^(2^-scale)}; within the bucket's relative width of its true values), the zero bucket at 0,
     * with the point's exact sum, min and max where it has them.
     */
    private static Sketch sketch(ExponentialHistogramDataPoint p) {
        Sketch.Builder b = Sketch.builder();
        if (p.getZeroCount() != 0) {
            b.add(0, unsigned(p.getZeroCount()));
        }
        addBuckets(b, p.getScale(), p.getPositive(), 1);
        addBuckets(b, p.getScale(), p.getNegative(), -1);
        if (p.hasSum() && p.hasMin() && p.hasMax()) {
            return b.build(p.getSum(), p.getMin(), p.getMax());
        }
        return b.build();
    }

    private static void addBuckets(Sketch.Builder b, int scale,
                                   io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint.Buckets buckets,
                                   int sign) {
        for (int k = 0; k < buckets.getBucketCountsCount(); k++) {
            long count = buckets.getBucketCounts(k);
            if (count != 0) {
                b.add(sign * bucketValue(scale, buckets.getOffset() + k), unsigned(count));
            }
        }
    }

    /** The geometric middle of bucket {@code index} at {@code scale}. */
    static double bucketValue(int scale, int index) {
        return Math.pow(2, (index + 0.5) * Math.pow(2, -scale));
    }

    private void summary(SummaryDataPoint p, String points, int i, String name) {
        long millis = time(p.getTimeUnixNano(), p.getFlags(), points, i);
        if (millis == Long.MIN_VALUE) {
            return;
        }
        SeriesKey base = key(name, p.getAttributesList(), points, i);
        if (base == null || (p.getQuantileValuesCount() > 0 && !roomForTags(base, 1, "quantile", points, i))) {
            return;
        }
        String[] tags = base.tags().toArray(String[]::new);
        notes.setLength(0);
        // summaries are cumulative by definition: count and sum since startTimeUnixNano
        out.add(SeriesKey.of(name + ".count", tags), MetricKind.COUNTER, millis, unsigned(p.getCount()));
        emit(name, ".sum", tags, MetricKind.COUNTER, millis, p.getSum(), "sum");
        String quantileName = name + ".quantile";
        String[] quantileTags = Arrays.copyOf(tags, tags.length + 1);
        for (int q = 0; q < p.getQuantileValuesCount(); q++) {
            SummaryDataPoint.ValueAtQuantile v = p.getQuantileValues(q);
            if (!(v.getQuantile() >= 0 && v.getQuantile() <= 1)) {
                note("quantileValues[" + q + "].quantile " + v.getQuantile() + " is not between 0 and 1");
            } else if (!Double.isFinite(v.getValue())) {
                note("quantileValues[" + q + "].value " + v.getValue() + " is not a finite number");
            } else {
                quantileTags[tags.length] = DatadogNames.normalizeTag("quantile:" + FloatText.bound(v.getQuantile()));
                out.add(SeriesKey.of(quantileName, quantileTags), MetricKind.GAUGE, millis, v.getValue());
            }
        }
        rejectNotes(points, i);
    }

    /** One of a point's derived values; a non-finite one is left out and noted. */
    private void emit(String name, String suffix, String[] tags, MetricKind kind, long millis, double value,
                      String field) {
        if (Double.isFinite(value)) {
            out.add(SeriesKey.of(name + suffix, tags), kind, millis, value);
        } else {
            note(field + " " + value + " is not a finite number");
        }
    }

    // ---- keys and times ----

    /** The point's series key: the metric name, the resource and scope tags, the point's attributes. */
    private SeriesKey key(String name, List<KeyValue> attributes, String points, int i) {
        keys.reset().name(name, "name");
        for (AttributeTags.Tag t : contextTags) {
            keys.tag(t.text(), t.field(), t.index());
        }
        for (int a = 0; a < attributes.size(); a++) {
            KeyValue kv = attributes.get(a);
            if (!kv.getKey().isEmpty()) {
                keys.tag(AttributeTags.tag(kv.getKey(), kv.getValue()), "attributes", a);
            }
        }
        SeriesKey key = keys.build();
        if (key == null) {
            reject(points, i, keys.problemField() + ": " + keys.problem());
        }
        return key;
    }

    /** Whether the {@code series} series of a point, {@code extra} tags more than its key, are within the limit. */
    private boolean roomForTags(SeriesKey base, int extra, String series, String points, int i) {
        if (base.tagCount() + extra <= limits.maxTagsPerSeries()) {
            return true;
        }
        reject(points, i, "tags: its " + series + " series would have " + (base.tagCount() + extra)
                + " distinct tags, more than the limit of " + limits.maxTagsPerSeries());
        return false;
    }

    /**
     * The point's time in milliseconds, or {@link Long#MIN_VALUE} after rejecting the point: it carries no value,
     * has no time, or its time is outside the window.
     */
    private long time(long nanos, int flags, String points, int i) {
        if ((flags & NO_RECORDED_VALUE) != 0) {
            reject(points, i, "flags has NO_RECORDED_VALUE set: the point marks a series that ended and has no value");
            return Long.MIN_VALUE;
        }
        if (nanos == 0) {
            reject(points, i, "timeUnixNano is missing");
            return Long.MIN_VALUE;
        }
        long millis = Long.divideUnsigned(nanos, NANOS_PER_MILLI);
        if (!window.contains(millis)) {
            if (out.listsMoreRejections()) {
                reject(points, i, window.problem(millis, Long.toUnsignedString(nanos)) + unitHint(nanos));
            } else {
                out.countRejection();
            }
            return Long.MIN_VALUE;
        }
        return millis;
    }

    /** A hint when a rejected time would fit as milliseconds, microseconds or seconds. */
    private String unitHint(long nanos) {
        if (nanos < 0) {
            return "";
        }
        String unit = window.contains(nanos) ? "milliseconds"
                : window.contains(nanos / 1000) ? "microseconds"
                : nanos < Long.MAX_VALUE / 1000 && window.contains(nanos * 1000) ? "seconds"
                : null;
        return unit == null ? "" : " (timeUnixNano is in nanoseconds; this looks like " + unit + ")";
    }

    /** The unsigned 64-bit integers of OTLP (counts) as doubles. */
    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0;
    }

    // ---- rejections ----

    private void note(String what) {
        if (!notes.isEmpty()) {
            notes.append("; ");
        }
        notes.append(what);
    }

    /** Lists what was left out of a point that was otherwise stored. */
    private void rejectNotes(String points, int i) {
        if (!notes.isEmpty()) {
            reject(points, i, "stored in part: " + notes);
        }
    }

    private void reject(String points, int i, String reason) {
        if (out.listsMoreRejections()) {
            out.reject(points + "[" + i + "]", reason);
        } else {
            out.countRejection();
        }
    }

    private void reject(String item, String reason) {
        if (out.listsMoreRejections()) {
            out.reject(item, reason);
        } else {
            out.countRejection();
        }
    }

    /** A metric refused whole: listed once, counted once per data point, as OTLP counts rejections. */
    private void rejectMetric(String item, String reason, int points) {
        reject(item, reason);
        for (int p = 1; p < points; p++) {
            out.countRejection();
        }
    }
}
