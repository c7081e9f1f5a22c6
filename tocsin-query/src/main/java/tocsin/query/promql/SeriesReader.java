package tocsin.query.promql;

import tocsin.core.metric.SampleBuffer;
import tocsin.query.MetricSource;
import tocsin.query.Points;
import tocsin.query.QueryExecutionException;
import tocsin.query.SourceRollups;
import tocsin.query.SourceSelection;
import tocsin.query.SourceSeries;
import tocsin.query.TagFilter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Reads the series a PromQL selector names from a {@link MetricSource}.
 *
 * <p>The metric name comes from an equality matcher on {@code __name__}; any other selector ({@code {job="api"}},
 * {@code {__name__=~"http_.*"}}) walks {@link MetricSource#metricNames}. Matchers the store can answer from its index
 * are pushed down as a {@link TagFilter}: equalities and literal alternations ({@code host=~"a|b"}, what Grafana's
 * multi-value variables produce), only positive ones, since a key with several values reads as its first value (see
 * {@link Labels#of(tocsin.core.metric.SeriesKey)}) and a negated tag test would disagree with that reading. Every
 * matcher is then applied to the labels exactly, so the pushdown only narrows what is read. Two series keys that read
 * as the same labels (they differ only in bare tags or extra values of a key) are merged into one series, the later
 * key's point winning a shared timestamp.
 *
 * <p>Prometheus's staleness markers (the NaN with bits {@code 0x7ff0000000000002}, which a Prometheus remote-writes
 * when a target disappears) end a series at that time: {@link #isStale} lets the instant selector see them, and
 * range reads drop them.
 *
 * <p>Counts every sample it loads against a budget, as Prometheus's {@code query.max-samples}. Not thread-safe (a
 * {@link Lazy} selection it makes is); one per query.
 */
final class SeriesReader {
    static final long STALE_NAN = 0x7ff0000000000002L;
    /** Prometheus's default {@code --query.max-samples}. */
    static final long MAX_SAMPLES = 50_000_000;

    private final MetricSource source;
    private long loaded;

    SeriesReader(MetricSource source) {
        this.source = source;
    }

    /** Fails the query, in Prometheus's words, once it has loaded more than {@link #MAX_SAMPLES} samples. */
    static void checkBudget(long loaded) {
        if (loaded > MAX_SAMPLES) {
            throw new QueryExecutionException(
                    "query processing would load too many samples into memory in query execution");
        }
    }

    static boolean isStale(double v) {
        return Double.doubleToRawLongBits(v) == STALE_NAN;
    }

    /**
     * The series the matchers select with samples in {@code [from, to]}, sorted by labels.
     *
     * @param dropStale whether to leave staleness markers out (range reads)
     */
    List<RawSeries> read(List<LabelMatcher> matchers, long from, long to, boolean dropStale) {
        // In the order the source gives (key order, which mostly is label order), so that the sort below is nearly
        // linear; a hash order would make it a full n log n over every series of a fleet.
        Map<Labels, List<Points>> byLabels = new LinkedHashMap<>();
        if (from > to) {
            return List.of();
        }
        TagFilter filter = pushdown(matchers);
        for (String metric : metricNames(matchers, from, to)) {
            for (SourceSeries s : source.select(metric, filter, from, to)) {
                Labels labels = Labels.of(s.key());
                if (!matches(matchers, labels)) {
                    continue;
                }
                Points p = source.read(s, from, to);
                loaded += p.size();
                checkBudget(loaded);
                if (!p.isEmpty()) {
                    byLabels.computeIfAbsent(labels, l -> new ArrayList<>(1)).add(p);
                }
            }
        }
        List<RawSeries> out = new ArrayList<>(byLabels.size());
        List<Labels> sorted = new ArrayList<>(byLabels.keySet());
        sorted.sort(null); // one sort is cheaper than keeping a tree ordered through every insertion
        for (Labels l : sorted) {
            RawSeries s = merge(l, byLabels.get(l), dropStale);
            if (s.size() > 0) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * As {@link #read} (without dropping staleness markers), but each series' samples are read only when asked, from
     * any thread, into the caller's buffer: for folding a fleet series by series on every core. Null when two series
     * keys read as the same labels, which {@link #read} merges point by point. The caller closes what it gets.
     */
    Lazy readLazily(List<LabelMatcher> matchers, long from, long to) {
        List<SourceSelection> parts = new ArrayList<>();
        try {
            List<Lazy.Entry> entries = new ArrayList<>();
            Set<Labels> seen = new HashSet<>();
            if (from <= to) {
                TagFilter filter = pushdown(matchers);
                for (String metric : metricNames(matchers, from, to)) {
                    SourceSelection part = source.selectLazily(metric, filter, from, to);
                    parts.add(part);
                    for (int i = 0; i < part.size(); i++) {
                        Labels labels = Labels.of(part.key(i));
                        if (!matches(matchers, labels)) {
                            continue;
                        }
                        if (!seen.add(labels)) {
                            closeAll(parts);
                            return null;
                        }
                        entries.add(new Lazy.Entry(labels, part, i));
                    }
                }
            }
            entries.sort(null); // the source's order is mostly label order: a nearly linear sort
            return new Lazy(this, entries, parts);
        } catch (RuntimeException | Error e) {
            closeAll(parts);
            throw e;
        }
    }

    private static void closeAll(List<SourceSelection> parts) {
        for (SourceSelection p : parts) {
            p.close();
        }
    }

    /**
     * Selected series sorted by labels, whose samples are read on demand ({@link #readLazily}). Thread-safe; the
     * samples read count against the reader's budget as they are read.
     */
    static final class Lazy implements AutoCloseable {
        record Entry(Labels labels, SourceSelection part, int index) implements Comparable<Entry> {
            @Override
            public int compareTo(Entry o) {
                return labels.compareTo(o.labels);
            }
        }

        private final SeriesReader reader;
        private final List<Entry> entries;
        private final List<SourceSelection> parts;
        private final AtomicLong loaded;

        private Lazy(SeriesReader reader, List<Entry> entries, List<SourceSelection> parts) {
            this.reader = reader;
            this.entries = entries;
            this.parts = parts;
            this.loaded = new AtomicLong(reader.loaded);
        }

        int size() {
            return entries.size();
        }

        Labels labels(int i) {
            return entries.get(i).labels;
        }

        /** Replaces {@code buf}'s samples with series {@code i}'s. */
        void read(int i, SampleBuffer buf) {
            Entry e = entries.get(i);
            e.part.read(e.index, buf);
            checkBudget(loaded.addAndGet(buf.size()));
        }

        /** Every series read into arrays of its own, side by side on every core; empty series left out. */
        List<RawSeries> readAll() {
            RawSeries[] out = new RawSeries[entries.size()];
            IntStream.range(0, out.length).parallel().forEach(i -> {
                SampleBuffer buf = new SampleBuffer(1);
                read(i, buf);
                int n = buf.size();
                out[i] = new RawSeries(entries.get(i).labels, Arrays.copyOf(buf.timestamps(), n),
                        Arrays.copyOf(buf.values(), n));
            });
            List<RawSeries> nonEmpty = new ArrayList<>(out.length);
            for (RawSeries r : out) {
                if (r.size() > 0) {
                    nonEmpty.add(r);
                }
            }
            return nonEmpty;
        }

        @Override
        public void close() {
            reader.loaded = Math.max(reader.loaded, loaded.get());
            closeAll(parts);
        }
    }

    /** One series' end-inclusive buckets ({@link MetricSource#selectEndInclusiveRollups}) under its labels. */
    record RollupSeries(Labels labels, SourceRollups buckets) {
    }

    /**
     * The series the matchers select with points in {@code [from, to]}, as end-inclusive buckets of
     * {@code resolution}, sorted by labels; null when the source cannot give them or two series keys read as the
     * same labels (raw reads merge those point by point, which buckets cannot). Each bucket counts as one loaded
     * sample.
     */
    List<RollupSeries> readRollups(List<LabelMatcher> matchers, long from, long to, long resolution) {
        if (from > to) {
            return List.of();
        }
        TagFilter filter = pushdown(matchers);
        Map<Labels, RollupSeries> byLabels = new LinkedHashMap<>(); // source order: see read
        for (String metric : metricNames(matchers, from, to)) {
            List<SourceRollups> found = source.selectEndInclusiveRollups(metric, filter, from, to, resolution);
            if (found == null) {
                return null;
            }
            for (SourceRollups r : found) {
                Labels labels = Labels.of(r.key());
                if (r.size() == 0 || !matches(matchers, labels)) {
                    continue;
                }
                loaded += r.size();
                checkBudget(loaded);
                if (byLabels.put(labels, new RollupSeries(labels, r)) != null) {
                    return null;
                }
            }
        }
        List<RollupSeries> out = new ArrayList<>(byLabels.values());
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return out;
    }

    /** The label sets of the series the matchers select with samples in {@code [from, to]}, without reading samples. */
    List<Labels> labels(List<LabelMatcher> matchers, long from, long to) {
        List<Labels> out = new ArrayList<>();
        if (from > to) {
            return out;
        }
        TagFilter filter = pushdown(matchers);
        for (String metric : metricNames(matchers, from, to)) {
            for (SourceSeries s : source.select(metric, filter, from, to)) {
                Labels labels = Labels.of(s.key());
                if (matches(matchers, labels)) {
                    out.add(labels);
                }
            }
        }
        return out;
    }

    private List<String> metricNames(List<LabelMatcher> matchers, long from, long to) {
        for (LabelMatcher m : matchers) {
            if (m.name().equals(Labels.METRIC_NAME) && m.type() == LabelMatcher.Type.EQ) {
                return List.of(m.value());
            }
        }
        List<String> out = new ArrayList<>();
        for (String name : source.metricNames(from, to)) {
            boolean ok = true;
            for (LabelMatcher m : matchers) {
                if (m.name().equals(Labels.METRIC_NAME) && !m.matches(name)) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                out.add(name);
            }
        }
        return out;
    }

    static boolean matches(List<LabelMatcher> matchers, Labels labels) {
        for (LabelMatcher m : matchers) {
            if (!m.matches(labels.get(m.name()))) {
                return false;
            }
        }
        return true;
    }

    /** The positive, index-answerable part of the matchers. */
    static TagFilter pushdown(List<LabelMatcher> matchers) {
        List<TagFilter> terms = new ArrayList<>();
        for (LabelMatcher m : matchers) {
            if (m.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (m.type() == LabelMatcher.Type.EQ && !m.value().isEmpty()) {
                terms.add(new TagFilter.Tag(m.name() + ":" + m.value()));
            }
            List<String> alternatives = m.literalAlternatives();
            if (alternatives != null && !alternatives.contains("")) {
                List<TagFilter> tags = new ArrayList<>();
                for (String v : alternatives) {
                    tags.add(new TagFilter.Tag(m.name() + ":" + v));
                }
                terms.add(tags.size() == 1 ? tags.getFirst() : new TagFilter.Or(tags));
            }
        }
        return terms.isEmpty() ? TagFilter.any() : terms.size() == 1 ? terms.getFirst() : new TagFilter.And(terms);
    }

    private static RawSeries merge(Labels labels, List<Points> parts, boolean dropStale) {
        long[] ts;
        double[] vs;
        if (parts.size() == 1) {
            Points p = parts.getFirst();
            if (!dropStale || !anyStale(p.sharedValues())) { // read-only on both sides: shared, not copied
                return new RawSeries(labels, p.sharedTimestamps(), p.sharedValues());
            }
            ts = new long[p.size()];
            vs = new double[p.size()];
            p.copyTo(ts, vs, 0);
        } else {
            TreeMap<Long, Double> all = new TreeMap<>();
            for (Points p : parts) {
                for (int i = 0; i < p.size(); i++) {
                    all.put(p.timestamp(i), p.value(i));
                }
            }
            ts = new long[all.size()];
            vs = new double[all.size()];
            int i = 0;
            for (var e : all.entrySet()) {
                ts[i] = e.getKey();
                vs[i++] = e.getValue();
            }
        }
        if (!dropStale) {
            return new RawSeries(labels, ts, vs);
        }
        int n = 0;
        for (int i = 0; i < ts.length; i++) {
            if (!isStale(vs[i])) {
                ts[n] = ts[i];
                vs[n++] = vs[i];
            }
        }
        return n == ts.length ? new RawSeries(labels, ts, vs)
                : new RawSeries(labels, Arrays.copyOf(ts, n), Arrays.copyOf(vs, n));
    }

    private static boolean anyStale(double[] values) {
        for (double v : values) {
            if (Double.doubleToRawLongBits(v) == STALE_NAN) {
                return true;
            }
        }
        return false;
    }
}
