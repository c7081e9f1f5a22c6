package tocsin.server.query;

import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.MetricMetadataStore;
import tocsin.core.metric.SampleBuffer;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.query.MetricSource;
import tocsin.query.Points;
import tocsin.query.SourceSelection;
import tocsin.query.SourceSeries;
import tocsin.query.SourceRollups;
import tocsin.query.SourceSketches;
import tocsin.query.TagFilter;
import tocsin.tsdb.MetricStore;
import tocsin.tsdb.Querier;
import tocsin.tsdb.RollupBounds;
import tocsin.tsdb.RollupData;
import tocsin.tsdb.SeriesData;
import tocsin.tsdb.SeriesSelection;
import tocsin.tsdb.SketchQuerier;
import tocsin.tsdb.SketchSeries;
import tocsin.tsdb.TagMatcher;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The TSDB seen from the query engine. Plain tag terms of a scope ({@code env:prod}, {@code !host:a},
 * {@code host:web-*}) are pushed down to the TSDB's inverted index; the full filter is then applied to what comes
 * back, so any boolean scope is answered exactly.
 *
 * <p>{@link #select} decodes the selected series once and keeps their points, for this thread only, until the
 * engine reads them right after; a {@link #read} without a preceding select reads from the store. Thread-safe.
 */
public final class TsdbMetricSource implements MetricSource {
    private final MetricStore store;
    private final MetricMetadataStore metadata;
    private final ThreadLocal<Map<SeriesKey, SeriesData>> selected = ThreadLocal.withInitial(HashMap::new);

    /** A source that knows no metric's declared interval. */
    public TsdbMetricSource(MetricStore store) {
        this(store, null);
    }

    /**
     * @param metadata where the metrics' declared intervals are read ({@link #rateInterval}); null for none. Asked on
     *                 every query of a rate with a type modifier: give it a cache.
     */
    public TsdbMetricSource(MetricStore store, MetricMetadataStore metadata) {
        this.store = store;
        this.metadata = metadata;
    }

    @Override
    public OptionalInt rateInterval(String metric) {
        if (metadata == null) {
            return OptionalInt.empty();
        }
        Integer seconds = metadata.find(metric).map(MetricMetadata::statsdInterval).orElse(null);
        return seconds == null || seconds < 1 ? OptionalInt.empty() : OptionalInt.of(seconds);
    }

    @Override
    public List<SourceSeries> select(String metric, TagFilter filter, long fromMillis, long toMillis) {
        Map<SeriesKey, SeriesData> cache = selected.get();
        cache.clear();
        List<SourceSeries> out = new ArrayList<>();
        try (Querier q = store.querier(fromMillis, toMillis)) {
            q.select(metric, pushdown(filter)).filter(d -> filter.matches(d.key())).forEach(d -> {
                cache.put(d.key(), d);
                out.add(new SourceSeries(d.key(), d.kind()));
            });
        }
        return out;
    }

    @Override
    public Points read(SourceSeries series, long fromMillis, long toMillis) {
        SeriesData d = selected.get().remove(series.key());
        if (d == null) {
            try (Querier q = store.querier(fromMillis, toMillis)) {
                d = q.read(series.key()).orElse(null);
            }
        }
        if (d == null || d.isEmpty()) {
            return Points.EMPTY;
        }
        int from = 0;
        int to = d.size();
        while (from < to && d.timestamp(from) < fromMillis) {
            from++;
        }
        while (to > from && d.timestamp(to - 1) > toMillis) {
            to--;
        }
        if (from == 0 && to == d.size()) { // the usual case: the querier's range is the read's
            return Points.wrapSorted(d.sharedTimestamps(), d.sharedValues()); // both read-only, so shared
        }
        return Points.wrapSorted(d.timestamps(from, to), d.values(from, to)); // one copy, owned by the Points
    }

    /**
     * From the store's own lazy selection ({@link Querier#selectLazily}): the querier stays open, pinning what it
     * reads, until the selection is closed. Series whose keys the pushed-down terms selected but the full filter
     * does not are left out before anything is decoded.
     */
    @Override
    public SourceSelection selectLazily(String metric, TagFilter filter, long fromMillis, long toMillis) {
        Querier q = store.querier(fromMillis, toMillis);
        try {
            SeriesSelection found = q.selectLazily(metric, pushdown(filter));
            int[] kept = new int[found.size()];
            int n = 0;
            for (int i = 0; i < kept.length; i++) {
                if (filter.matches(found.key(i))) {
                    kept[n++] = i;
                }
            }
            int size = n;
            return new SourceSelection() {
                @Override
                public int size() {
                    return size;
                }

                @Override
                public SeriesKey key(int i) {
                    return found.key(kept[Objects.checkIndex(i, size)]);
                }

                @Override
                public void read(int i, SampleBuffer into) {
                    found.decodeInto(kept[Objects.checkIndex(i, size)], into);
                }

                @Override
                public void close() {
                    q.close();
                }
            };
        } catch (RuntimeException | Error e) {
            q.close();
            throw e;
        }
    }

    /** From the store's rollups ({@link Querier#selectRollups}), which fall back to raw samples where it has none. */
    @Override
    public List<SourceRollups> selectRollups(String metric, TagFilter filter, long fromMillis, long toMillis,
                                             long intervalMillis) {
        List<SourceRollups> out = new ArrayList<>();
        try (Querier q = store.querier(fromMillis, toMillis)) {
            q.selectRollups(metric, pushdown(filter), intervalMillis).filter(d -> filter.matches(d.key()))
                    .forEach(d -> out.add(convert(d)));
        }
        return out;
    }

    /**
     * From the store's end-inclusive rollups ({@link RollupBounds#END_INCLUSIVE}): blocks whose rollups file is of
     * format version 1, which cannot give them, are read from raw samples by the store itself.
     */
    @Override
    public List<SourceRollups> selectEndInclusiveRollups(String metric, TagFilter filter, long fromMillis,
                                                         long toMillis, long intervalMillis) {
        List<SourceRollups> out = new ArrayList<>();
        try (Querier q = store.querier(fromMillis, toMillis)) {
            q.selectRollups(metric, pushdown(filter), intervalMillis, RollupBounds.END_INCLUSIVE)
                    .filter(d -> filter.matches(d.key())).forEach(d -> out.add(convert(d)));
        }
        return out;
    }

    static SourceRollups convert(RollupData d) {
        int n = d.size();
        long[] starts = new long[n];
        long[] counts = new long[n];
        double[][] v = new double[6][n];
        for (int i = 0; i < n; i++) {
            starts[i] = d.start(i);
            counts[i] = d.count(i);
            v[0][i] = d.sum(i);
            v[1][i] = d.min(i);
            v[2][i] = d.max(i);
            v[3][i] = d.counter(i);
            v[4][i] = d.first(i);
            v[5][i] = d.last(i);
        }
        return SourceRollups.wrap(d.key(), d.kind(), starts, counts, v[0], v[1], v[2], v[3], v[4], v[5]);
    }

    @Override
    public List<SourceSketches> selectSketches(String metric, TagFilter filter, long fromMillis, long toMillis) {
        List<SourceSketches> out = new ArrayList<>();
        try (SketchQuerier q = store.sketchQuerier(fromMillis, toMillis)) {
            for (SketchSeries s : q.select(metric, pushdown(filter))) {
                if (filter.matches(s.key())) {
                    long[] ts = new long[s.size()];
                    Sketch[] sketches = new Sketch[s.size()];
                    for (int i = 0; i < ts.length; i++) {
                        ts[i] = s.timestamp(i);
                        sketches[i] = s.sketch(i);
                    }
                    out.add(SourceSketches.of(s.key(), ts, sketches));
                }
            }
        }
        return out;
    }

    /** The names of sample series only: PromQL, the caller, cannot read distributions. */
    @Override
    public List<String> metricNames(long fromMillis, long toMillis) {
        try (Querier q = store.querier(fromMillis, toMillis)) {
            return List.copyOf(q.metricNames());
        }
    }

    /** The index-answerable part of a scope: its top-level conjunction of plain, wildcard and negated terms. */
    static List<TagMatcher> pushdown(TagFilter filter) {
        List<TagMatcher> out = new ArrayList<>();
        List<TagFilter> terms = filter instanceof TagFilter.And and ? and.filters() : List.of(filter);
        for (TagFilter t : terms) {
            switch (t) {
                case TagFilter.Tag tag -> out.add(new TagMatcher.HasTag(tag.tag()));
                case TagFilter.Wildcard w -> out.add(new TagMatcher.Glob(w.pattern()));
                case TagFilter.Not n when n.filter() instanceof TagFilter.Tag tag ->
                        out.add(new TagMatcher.Not(new TagMatcher.HasTag(tag.tag())));
                default -> {
                    // evaluated on the results instead
                }
            }
        }
        return out;
    }
}
