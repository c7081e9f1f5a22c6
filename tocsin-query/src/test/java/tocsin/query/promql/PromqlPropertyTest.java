package tocsin.query.promql;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The math that must hold for any data: aggregation identities, rates of known counters, window counts. */
class PromqlPropertyTest {

    /** One point at 0s for each (a, b) pair that has a value; integer values keep sums exact. */
    @Provide
    Arbitrary<Map<String, Integer>> grid() {
        Arbitrary<String> key = Combinators.combine(Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 3)).as((a, b) -> "x{a=\"a" + a + "\",b=\"b" + b + "\"}");
        return Arbitraries.maps(key, Arbitraries.integers().between(-1000, 1000)).ofMinSize(1).ofMaxSize(16);
    }

    private static PromFixture load(Map<String, Integer> points) {
        PromFixture f = new PromFixture();
        points.forEach((series, v) -> f.put(series, 0, v));
        return f;
    }

    @Property(tries = 100)
    void sumOfGroupSumsIsTheSum(@ForAll("grid") Map<String, Integer> points) {
        PromFixture f = load(points);
        double total = points.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(f.one("sum(x)", 0)).isEqualTo(total);
        assertThat(f.one("sum(sum by (a) (x))", 0)).isEqualTo(total);
        assertThat(f.one("sum(sum without (a) (x))", 0)).isEqualTo(total);
        assertThat(f.one("count(x)", 0)).isEqualTo(points.size());
        assertThat(f.one("sum(count by (b) (x))", 0)).isEqualTo(points.size());
    }

    /** Series with gaps, NaN, staleness markers and irregular times, over a range with several steps. */
    @Provide
    Arbitrary<List<double[]>> ragged() {
        Arbitrary<Double> value = Arbitraries.oneOf(Arbitraries.integers().between(-50, 50).map(i -> i / 4.0),
                Arbitraries.just(Double.NaN), Arbitraries.just(Double.longBitsToDouble(SeriesReader.STALE_NAN)));
        Arbitrary<double[]> series = Combinators.combine(Arbitraries.integers().between(0, 7),
                        Arbitraries.integers().between(0, 2), value.list().ofMinSize(1).ofMaxSize(12),
                        Arbitraries.integers().between(1, 400).list().ofSize(12))
                .as((a, b, values, gaps) -> {
                    double[] out = new double[2 + values.size() * 2];
                    out[0] = a;
                    out[1] = b;
                    double t = 0;
                    for (int i = 0; i < values.size(); i++) {
                        t += gaps.get(i) / 2.0;
                        out[2 + 2 * i] = t;
                        out[3 + 2 * i] = values.get(i);
                    }
                    return out;
                });
        return series.list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 150)
    void aggregatingASelectorDirectlyEqualsAggregatingItsMaterialisedVector(
            @ForAll("ragged") List<double[]> series) {
        PromFixture f = new PromFixture();
        for (double[] s : series) {
            String name = "x{a=\"a" + (int) s[0] + "\",b=\"b" + (int) s[1] + "\"}";
            for (int i = 2; i < s.length; i += 2) {
                f.put(name, s[i], s[i + 1]);
            }
        }
        for (String op : List.of("sum", "avg", "min", "max", "count", "group", "stddev", "stdvar")) {
            for (String by : List.of("", " by (a)", " without (b)")) {
                // "x * 1" is materialised by the binary operator; the bare selector takes the streaming path.
                var direct = f.range(op + by + " (x)", 0, 900, 30);
                var general = f.range(op + by + " (x * 1)", 0, 900, 30);
                assertThat(direct.series()).as(op + by).hasSameSizeAs(general.series());
                for (int i = 0; i < direct.series().size(); i++) {
                    var d = direct.series().get(i);
                    var g = general.series().get(i);
                    assertThat(d.metric()).isEqualTo(g.metric());
                    assertThat(PromFixture.points(d)).as(op + by + " " + d.metric()).isEqualTo(PromFixture.points(g));
                }
            }
        }
    }

    @Property(tries = 100)
    void avgIsSumOverCountAndBoundedByMinAndMax(@ForAll("grid") Map<String, Integer> points) {
        PromFixture f = load(points);
        Map<String, Double> avg = f.vector("avg by (a) (x)", 0);
        Map<String, Double> sum = f.vector("sum by (a) (x)", 0);
        Map<String, Double> count = f.vector("count by (a) (x)", 0);
        Map<String, Double> min = f.vector("min by (a) (x)", 0);
        Map<String, Double> max = f.vector("max by (a) (x)", 0);
        assertThat(avg.keySet()).isEqualTo(sum.keySet());
        for (String g : avg.keySet()) {
            assertThat(avg.get(g)).isCloseTo(sum.get(g) / count.get(g), within(1e-9));
            assertThat(avg.get(g)).isBetween(min.get(g) - 1e-9, max.get(g) + 1e-9);
        }
    }

    @Property(tries = 100)
    void topkHoldsTheLargest(@ForAll("grid") Map<String, Integer> points, @ForAll @IntRange(min = 1, max = 20) int k) {
        PromFixture f = load(points);
        Map<String, Double> top = f.vector("topk(" + k + ", x)", 0);
        assertThat(top).hasSize(Math.min(k, points.size()));
        double smallestKept = top.values().stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        for (var e : points.entrySet()) {
            String labels = Labels.of(PromFixture.key(e.getKey())).toString();
            if (!top.containsKey(labels)) {
                assertThat((double) e.getValue()).isLessThanOrEqualTo(smallestKept);
            }
        }
        List<Double> order = new ArrayList<>(top.values());
        for (int i = 1; i < order.size(); i++) {
            assertThat(order.get(i)).isLessThanOrEqualTo(order.get(i - 1));
        }
    }

    @Property(tries = 200)
    void rateOfALinearCounterIsItsSlope(@ForAll @IntRange(min = 1, max = 120) int intervalSeconds,
                                        @ForAll @IntRange(min = 2, max = 20) int samplesPerWindow,
                                        @ForAll @IntRange(min = 1, max = 100_000) int slopeMilli,
                                        @ForAll @IntRange(min = 0, max = 1000) int startOffset) {
        double slope = slopeMilli / 1000.0;
        int range = intervalSeconds * samplesPerWindow;
        PromFixture f = new PromFixture();
        // Enough points before the window; the counter starts high enough that its zero point is not in reach.
        double c0 = slope * intervalSeconds * (samplesPerWindow + startOffset + 1);
        int n = samplesPerWindow * 2 + 1;
        for (int i = 0; i < n; i++) {
            f.put("c", (double) i * intervalSeconds, c0 + slope * i * intervalSeconds);
        }
        double t = (double) (n - 1) * intervalSeconds;
        String window = "[" + range + "s]";
        assertThat(f.one("rate(c" + window + ")", t)).isCloseTo(slope, within(slope * 1e-9));
        assertThat(f.one("increase(c" + window + ")", t)).isCloseTo(slope * range, within(slope * range * 1e-9));
        assertThat(f.one("irate(c" + window + ")", t)).isCloseTo(slope, within(slope * 1e-9));
        assertThat(f.one("deriv(c" + window + ")", t)).isCloseTo(slope, within(slope * 1e-6));
    }

    @Property(tries = 200)
    void aCounterRestartingFromZeroRatesTheSame(@ForAll @IntRange(min = 1, max = 60) int intervalSeconds,
                                               @ForAll @IntRange(min = 3, max = 20) int samples,
                                               @ForAll @IntRange(min = 1, max = 1000) int increment,
                                               @ForAll @IntRange(min = 1, max = 100) int resetAfterRaw) {
        int resetAfter = 1 + resetAfterRaw % (samples - 1);
        PromFixture steady = new PromFixture();
        PromFixture restarted = new PromFixture();
        double base = (double) increment * samples;
        for (int i = 0; i < samples; i++) {
            double total = base + (double) increment * i;
            steady.put("c", (double) i * intervalSeconds, total);
            // The process restarts right after sample resetAfter - 1 and counts from zero again.
            double sinceRestart = (double) increment * (i - resetAfter + 1);
            restarted.put("c", (double) i * intervalSeconds, i < resetAfter ? total : sinceRestart);
        }
        double t = (double) (samples - 1) * intervalSeconds;
        String q = "increase(c[" + (samples - 1) * intervalSeconds + "s])";
        assertThat(restarted.one(q, t)).isCloseTo(steady.one(q, t), within(1e-6));
        assertThat(restarted.one("resets(c[1h])", t)).isEqualTo(1);
    }

    @Property(tries = 200)
    void countOverTimeCountsThePointsInTheLeftOpenWindow(
            @ForAll("timestamps") List<Integer> seconds, @ForAll @IntRange(min = 1, max = 600) int range,
            @ForAll @IntRange(min = 0, max = 1200) int at) {
        PromFixture f = new PromFixture();
        Map<Integer, Boolean> distinct = new HashMap<>();
        for (int s : seconds) {
            f.put("g", s, s);
            distinct.put(s, true);
        }
        long expected = distinct.keySet().stream().filter(s -> s > at - range && s <= at).count();
        Map<String, Double> v = f.vector("count_over_time(g[" + range + "s])", at);
        if (expected == 0) {
            assertThat(v).isEmpty();
        } else {
            assertThat(v.values()).containsExactly((double) expected);
            assertThat(f.one("sum_over_time(g[" + range + "s])", at)).isEqualTo(distinct.keySet().stream()
                    .filter(s -> s > at - range && s <= at).mapToDouble(Integer::doubleValue).sum());
        }
    }

    @Provide
    Arbitrary<List<Integer>> timestamps() {
        return Arbitraries.integers().between(0, 1200).list().ofMinSize(0).ofMaxSize(40);
    }

    @Property(tries = 30)
    void aRangeQueryIsItsInstantQueriesStepByStep(@ForAll("grid") Map<String, Integer> points,
                                                  @ForAll @IntRange(min = 7, max = 90) int step) {
        PromFixture f = load(points);
        points.forEach((series, v) -> f.put(series, 100, v * 2));
        String q = "sum by (a) (x) / on(a) group_left count by (a) (x)";
        PromqlResult.Matrix m = f.range(q, 0, 400, step);
        for (PromqlResult.Series s : m.series()) {
            for (int i = 0; i < s.points().size(); i++) {
                double t = (s.points().timestamp(i) - PromFixture.T0) / 1000.0;
                assertThat(f.vector(q, t)).containsEntry(s.metric().toString(), s.points().value(i));
            }
        }
    }

    @Property(tries = 300)
    void printedExpressionsParseBackToThemselves(@ForAll("expressions") String query) {
        String printed = Parser.parse(query).toString();
        assertThat(Parser.parse(printed).toString()).isEqualTo(printed);
    }

    @Provide
    Arbitrary<String> expressions() {
        return Arbitraries.recursive(
                () -> Arbitraries.of("x", "x{a=\"1\"}", "{__name__=~\"x|y\", b!=\"2\"}", "y offset 5m", "z @ 100"),
                inner -> Arbitraries.oneOf(
                        Combinators.combine(inner, inner, Arbitraries.of("+", "-", "*", "/", "%", "^", "and",
                                "or", "unless", "> bool", "== on(a)", "* ignoring(b) group_left(c)"))
                                .as((l, r, op) -> "(" + l + ") " + op + " (" + r + ")"),
                        inner.map(e -> "sum by (a) (" + e + ")"),
                        inner.map(e -> "topk(3, " + e + ")"),
                        inner.map(e -> "-(" + e + ")"),
                        inner.map(e -> "abs(" + e + ")"),
                        inner.map(e -> "max_over_time((" + e + ")[5m:1m])"),
                        Arbitraries.of("rate(x[5m])", "histogram_quantile(0.9, rate(h[5m]))", "vector(1)",
                                "label_replace(x, \"d\", \"$1\", \"a\", \"(.*)\")")),
                4);
    }
}
