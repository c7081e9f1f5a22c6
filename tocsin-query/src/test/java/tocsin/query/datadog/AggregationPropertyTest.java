package tocsin.query.datadog;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.query.TagFilter;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static tocsin.query.datadog.Fixture.values;

/**
 * The aggregation math, for any data: dense series {@code m{host:h<i>}} with a point every 10 s for two minutes
 * (two points per 20 s bucket, six buckets).
 */
class AggregationPropertyTest {
    private static final int STEPS = 12;

    /** Integer-valued so that sums are exact and comparisons need no tolerance. */
    @Provide
    Arbitrary<List<List<Integer>>> hosts() {
        return Arbitraries.integers().between(-1000, 1000).list().ofSize(STEPS).list().ofMinSize(1).ofMaxSize(6);
    }

    private static Fixture load(List<List<Integer>> hosts, MetricKind kind) {
        Fixture f = new Fixture();
        for (int h = 0; h < hosts.size(); h++) {
            for (int i = 0; i < STEPS; i++) {
                f.put("m{host:h" + h + "}", kind, i * 10, hosts.get(h).get(i));
            }
        }
        return f;
    }

    @Property(tries = 100)
    void rollupOfAConstantSeries(@ForAll @IntRange(min = -1000, max = 1000) int c,
                                 @ForAll @IntRange(min = 1, max = 20) int pointsPerBucket) {
        Fixture f = new Fixture();
        for (int i = 0; i < 3 * pointsPerBucket; i++) {
            f.gauge("m{host:a}", i * 20.0 / pointsPerBucket, c);
        }
        assertThat(values(f.one("m{*}"))).containsExactly((double) c, (double) c, (double) c);
        assertThat(values(f.one("m{*}.rollup(min)"))).containsOnly((double) c);
        assertThat(values(f.one("m{*}.rollup(max)"))).containsOnly((double) c);
        assertThat(values(f.one("m{*}.rollup(sum)"))).containsOnly((double) c * pointsPerBucket);
        assertThat(values(f.one("m{*}.rollup(count)"))).containsOnly((double) pointsPerBucket);
    }

    @Property(tries = 100)
    void sumIsAverageTimesSeriesCountOnDenseData(@ForAll("hosts") List<List<Integer>> hosts) {
        Fixture f = load(hosts, MetricKind.GAUGE);
        List<Double> sum = values(f.one("sum:m{*}"));
        List<Double> avg = values(f.one("avg:m{*}"));
        for (int i = 0; i < sum.size(); i++) {
            assertThat(sum.get(i)).isCloseTo(avg.get(i) * hosts.size(), within(1e-9));
        }
    }

    @Property(tries = 100)
    void groupsPartitionTheTotal(@ForAll("hosts") List<List<Integer>> hosts) {
        Fixture f = load(hosts, MetricKind.GAUGE);
        List<Double> total = values(f.one("sum:m{*}.rollup(sum)"));
        List<QuerySeries> groups = f.hour("sum:m{*} by {host}.rollup(sum)").series();
        assertThat(groups).hasSize(hosts.size());
        for (int i = 0; i < total.size(); i++) {
            double parts = 0;
            for (QuerySeries g : groups) {
                parts += g.value(i);
            }
            assertThat(parts).isEqualTo(total.get(i));
        }
        List<Double> max = values(f.one("max:m{*}"));
        List<Double> min = values(f.one("min:m{*}"));
        List<Double> avg = values(f.one("avg:m{*}"));
        for (int i = 0; i < max.size(); i++) {
            assertThat(avg.get(i)).isBetween(min.get(i), max.get(i));
        }
    }

    @Property(tries = 100)
    void asCountOfAConstantRateIsRateTimesInterval(@ForAll @DoubleRange(min = 0, max = 1000) double rate,
                                                   @ForAll("spacings") int spacing) {
        Fixture f = new Fixture();
        for (int t = 0; t < 60; t += spacing) {
            f.put("r{host:a}", MetricKind.RATE, t, rate);
        }
        for (double count : values(f.one("r{*}.as_count()"))) {
            assertThat(count).isCloseTo(rate * 20, within(1e-9 * Math.max(1, rate)));
        }
        for (double perSecond : values(f.one("r{*}.as_rate()"))) {
            assertThat(perSecond).isCloseTo(rate, within(1e-9 * Math.max(1, rate)));
        }
    }

    @Provide
    Arbitrary<Integer> spacings() {
        return Arbitraries.of(1, 2, 4, 5, 10, 20);
    }

    @Property(tries = 100)
    void asRateTimesIntervalIsAsCount(@ForAll("hosts") List<List<Integer>> hosts) {
        Fixture f = load(hosts, MetricKind.COUNT);
        List<Double> counts = values(f.one("sum:m{*}.as_count()"));
        List<Double> rates = values(f.one("sum:m{*}.as_rate()"));
        assertThat(rates).hasSameSizeAs(counts);
        for (int i = 0; i < counts.size(); i++) {
            assertThat(rates.get(i) * 20).isCloseTo(counts.get(i), within(1e-9));
        }
    }

    @Property(tries = 100)
    void arithmeticIdentities(@ForAll("hosts") List<List<Integer>> hosts) {
        Fixture f = load(hosts, MetricKind.GAUGE);
        String q = "avg:m{*} by {host}";
        for (QuerySeries s : f.hour(q + " - " + q).series()) {
            assertThat(values(s)).containsOnly(0.0);
        }
        List<QuerySeries> original = f.hour(q).series();
        List<QuerySeries> roundTrip = f.hour("(" + q + " * 2) / 2").series();
        assertThat(roundTrip).hasSameSizeAs(original);
        for (int i = 0; i < original.size(); i++) {
            assertThat(values(roundTrip.get(i))).isEqualTo(values(original.get(i)));
            assertThat(roundTrip.get(i).tagSet()).isEqualTo(original.get(i).tagSet());
        }
        List<Double> sum = values(f.one("sum:m{*}"));
        List<Double> viaNegation = values(f.one("-(-sum:m{*})"));
        assertThat(viaNegation).isEqualTo(sum);
    }

    @Property(tries = 100)
    void topReturnsAtMostNSeriesInRankOrder(@ForAll("hosts") List<List<Integer>> hosts,
                                           @ForAll @IntRange(min = 1, max = 8) int n,
                                           @ForAll("rankings") String by,
                                           @ForAll boolean descending) {
        Fixture f = load(hosts, MetricKind.GAUGE);
        String query = "top(avg:m{*} by {host}, " + n + ", '" + by + "', '" + (descending ? "desc" : "asc") + "')";
        List<QuerySeries> top = f.hour(query).series();
        assertThat(top).hasSize(Math.min(n, hosts.size()));
        List<Double> scores = new ArrayList<>();
        for (QuerySeries s : top) {
            double[] v = new double[s.length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = s.value(i);
            }
            scores.add(SeriesFunctions.rank(v, by));
        }
        List<Double> sorted = new ArrayList<>(scores);
        sorted.sort(descending ? java.util.Comparator.reverseOrder() : java.util.Comparator.naturalOrder());
        assertThat(scores).isEqualTo(sorted);
        // nothing left out ranks better than the last one kept
        List<Double> all = new ArrayList<>();
        for (QuerySeries s : f.hour("avg:m{*} by {host}").series()) {
            double[] v = new double[s.length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = s.value(i);
            }
            all.add(SeriesFunctions.rank(v, by));
        }
        all.sort(descending ? java.util.Comparator.reverseOrder() : java.util.Comparator.naturalOrder());
        assertThat(scores).isEqualTo(all.subList(0, scores.size()));
    }

    @Provide
    Arbitrary<String> rankings() {
        return Arbitraries.of("max", "mean", "min", "sum", "last", "l2norm", "area");
    }

    /** Rendering a scope and parsing it again selects the same series. */
    @Property(tries = 200)
    void scopeTextRoundTrips(@ForAll("filters") TagFilter filter,
                             @ForAll @Size(max = 4) List<@IntRange(min = 0, max = 5) Integer> tagPicks) {
        List<String> universe = List.of("env:prod", "env:dev", "host:a", "host:b", "canary", "az:x");
        List<String> tags = new ArrayList<>();
        tagPicks.forEach(i -> tags.add(universe.get(i)));
        SeriesKey key = SeriesKey.of("m", tags);
        Expr.MetricQuery parsed = (Expr.MetricQuery) Parser.parse("m{" + filter + "}").getFirst();
        assertThat(parsed.filter().matches(key)).as("%s vs %s on %s", filter, parsed.filter(), key)
                .isEqualTo(filter.matches(key));
    }

    @Provide
    Arbitrary<TagFilter> filters() {
        return filter(3);
    }

    private Arbitrary<TagFilter> filter(int depth) {
        Arbitrary<TagFilter> term = Arbitraries.of("env:prod", "env:dev", "host:a", "host:*", "canary", "az:x",
                "env:d*").map(TagFilter::term);
        if (depth == 0) {
            return term;
        }
        Arbitrary<TagFilter> sub = Arbitraries.lazy(() -> filter(depth - 1));
        return Arbitraries.oneOf(
                term,
                sub.map(TagFilter.Not::new),
                sub.list().ofMinSize(2).ofMaxSize(3).map(TagFilter.And::new),
                sub.list().ofMinSize(2).ofMaxSize(3).map(TagFilter.Or::new));
    }
}
