package tocsin.query.promql;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.query.QueryExecutionException;
import tocsin.query.QuerySyntaxException;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

/** Selection, lookback, staleness, result shapes, operators and functions on small hand-computed data. */
class EvaluatorTest {
    private static final double EPS = 1e-12;

    /** Three series of x at 0s: {job=api, instance=a}=1, {api, b}=2, {db, a}=4; y per job. */
    private static PromFixture jobs() {
        return new PromFixture()
                .put("x{job=\"api\",instance=\"a\"}", 0, 1)
                .put("x{job=\"api\",instance=\"b\"}", 0, 2)
                .put("x{job=\"db\",instance=\"a\"}", 0, 4)
                .put("y{job=\"api\"}", 0, 10)
                .put("y{job=\"db\"}", 0, 20);
    }

    @Test
    void anInstantSelectorTakesTheLatestSampleWithinTheLookback() {
        PromFixture f = new PromFixture().put("up{job=\"api\"}", 0, 1, 30, 0);
        assertThat(f.vector("up", 29)).containsExactly(entry("{__name__=\"up\", job=\"api\"}", 1.0));
        assertThat(f.one("up", 30)).isEqualTo(0);
        assertThat(f.one("up", 329)).isEqualTo(0);
        // (t - 5m, t] is left-open: the sample at 30s is gone at exactly 330s.
        assertThat(f.vector("up", 330)).isEmpty();
        assertThat(f.vector("up", -1)).isEmpty();
        assertThat(f.engine.withLookbackDelta(java.time.Duration.ofMinutes(10)).instantQuery("up",
                PromFixture.T0 + 330_000)).isInstanceOf(PromqlResult.Vector.class);
    }

    @Test
    void aStalenessMarkerEndsTheSeries() {
        PromFixture f = new PromFixture().put("up", 0, 1);
        f.source.add(PromFixture.key("up"), MetricKind.GAUGE, PromFixture.T0 + 15_000,
                Double.longBitsToDouble(SeriesReader.STALE_NAN));
        assertThat(f.vector("up", 10)).hasSize(1);
        assertThat(f.vector("up", 20)).isEmpty();
        assertThat(f.one("count_over_time(up[1m])", 20)).isEqualTo(1);
        // An ordinary NaN is a value.
        f.put("not_a_number", 0, Double.NaN);
        assertThat(f.one("not_a_number", 10)).isNaN();
    }

    @Test
    void matchersSelectExactlyAndPushDownOnlyWhatIsSafe() {
        PromFixture f = jobs();
        assertThat(f.vector("x{job=\"api\"}", 0)).hasSize(2);
        assertThat(f.vector("x{job!=\"api\"}", 0)).hasSize(1);
        assertThat(f.vector("x{job=~\"a.*\"}", 0)).hasSize(2);
        assertThat(f.vector("x{job=~\"api|db\", instance=\"a\"}", 0)).hasSize(2);
        assertThat(f.vector("x{job!~\"api|db\"}", 0)).isEmpty();
        assertThat(f.vector("x{env=\"\"}", 0)).hasSize(3);
        assertThat(f.vector("x{instance=~\"a|\"}", 0)).hasSize(2);
        assertThat(f.vector("{job=\"api\"}", 0)).hasSize(3);
        assertThat(f.vector("{__name__=~\"x|y\", job=\"db\"}", 0)).hasSize(2);
        assertThat(f.vector("{\"x\", instance=\"b\"}", 0)).hasSize(1);
        assertThat(SeriesReader.pushdown(((Expr.VectorSelector) Parser.parse("x{a=\"1\", b=~\"p|q\", c!=\"2\"}"))
                .matchers()).toString()).isEqualTo("a:1 AND (b:p OR b:q)");
    }

    @Test
    void datadogTagsReadAsLabels() {
        PromFixture f = new PromFixture();
        f.source.add(SeriesKey.of("requests", "service.name:checkout", "canary", "role:web", "role:db"),
                MetricKind.COUNT, PromFixture.T0, 5);
        // A bare tag is no label; a key with two values reads as the first in sort order.
        assertThat(f.vector("requests", 0)).containsOnlyKeys(
                "{__name__=\"requests\", role=\"db\", service.name=\"checkout\"}");
        assertThat(f.vector("{\"requests\", \"service.name\"=\"checkout\"}", 0)).hasSize(1);
        assertThat(f.vector("requests{role=\"web\"}", 0)).isEmpty();
    }

    @Test
    void resultTypes() {
        PromFixture f = new PromFixture().every("c", 15, 15, 1, 2, 3, 4);
        assertThat(f.at("1 + 2", 0)).isEqualTo(new PromqlResult.Scalar(PromFixture.T0, 3));
        assertThat(f.at("\"hi\"", 0)).isEqualTo(new PromqlResult.Text(PromFixture.T0, "hi"));
        PromqlResult m = f.at("c[1m]", 60);
        assertThat(m).isInstanceOf(PromqlResult.Matrix.class);
        PromqlResult.Series s = ((PromqlResult.Matrix) m).series().getFirst();
        assertThat(s.metric()).isEqualTo(Labels.of("__name__", "c"));
        assertThat(PromFixture.points(s)).containsExactly(entry(15L, 1.0), entry(30L, 2.0), entry(45L, 3.0),
                entry(60L, 4.0));
        assertThat(((PromqlResult.Matrix) f.at("c[1m:30s]", 60)).series().getFirst().points().size()).isEqualTo(2);
        assertThat(f.at("time()", 60)).isEqualTo(new PromqlResult.Scalar(PromFixture.T0 + 60_000,
                (PromFixture.T0 + 60_000) / 1000.0));
    }

    @Test
    void rangeQueriesEvaluateAtEachStep() {
        PromFixture f = new PromFixture().every("g{a=\"1\"}", 0, 10, 1, 2, 3, 4, 5, 6, 7);
        PromqlResult.Matrix m = f.range("g", 0, 60, 15);
        assertThat(m.series()).hasSize(1);
        assertThat(PromFixture.points(m.series().getFirst())).containsExactly(entry(0L, 1.0), entry(15L, 2.0),
                entry(30L, 4.0), entry(45L, 5.0), entry(60L, 7.0));
        PromqlResult.Matrix scalar = f.range("time() - " + PromFixture.T0 / 1000, 0, 30, 15);
        assertThat(scalar.series().getFirst().metric()).isEqualTo(Labels.EMPTY);
        assertThat(PromFixture.points(scalar.series().getFirst())).containsExactly(entry(0L, 0.0), entry(15L, 15.0),
                entry(30L, 30.0));
        // A series appears only at the steps where it exists.
        PromqlResult.Matrix late = new PromFixture().put("g", 40, 1).range("g", 0, 60, 15);
        assertThat(PromFixture.points(late.series().getFirst())).containsOnlyKeys(45L, 60L);
        assertThat(f.range("g{a=\"nope\"}", 0, 60, 15).series()).isEmpty();
    }

    @Test
    void rangeQueriesRefuseRangeVectorsAndTooManyPoints() {
        PromFixture f = new PromFixture();
        assertThatThrownBy(() -> f.range("g[5m]", 0, 60, 15)).isInstanceOf(QuerySyntaxException.class)
                .hasMessage("invalid expression type \"range vector\" for range query, must be Scalar or instant Vector");
        assertThatThrownBy(() -> f.range("g", 0, 11_001, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the "
                        + "query resolution (?step=XX)");
        assertThat(f.range("g", 0, 11_000, 1).series()).isEmpty();
    }

    @Test
    void aggregations() {
        PromFixture f = jobs();
        assertThat(f.vector("sum(x)", 0)).containsExactly(entry("{}", 7.0));
        assertThat(f.vector("sum by (job) (x)", 0)).containsExactly(entry("{job=\"api\"}", 3.0),
                entry("{job=\"db\"}", 4.0));
        assertThat(f.vector("sum without (instance) (x)", 0)).isEqualTo(f.vector("sum by (job) (x)", 0));
        assertThat(f.vector("avg by (job) (x)", 0)).containsExactly(entry("{job=\"api\"}", 1.5),
                entry("{job=\"db\"}", 4.0));
        assertThat(f.one("count(x)", 0)).isEqualTo(3);
        assertThat(f.one("min(x)", 0)).isEqualTo(1);
        assertThat(f.one("max(x)", 0)).isEqualTo(4);
        assertThat(f.one("group(x)", 0)).isEqualTo(1);
        assertThat(f.one("stdvar(x)", 0)).isCloseTo(14.0 / 9, within(EPS));
        assertThat(f.one("stddev(x)", 0)).isCloseTo(Math.sqrt(14.0 / 9), within(EPS));
        assertThat(f.one("quantile(0.5, x)", 0)).isEqualTo(2);
        assertThat(f.one("quantile(0.75, x)", 0)).isEqualTo(3);
        assertThat(f.one("quantile(2, x)", 0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(f.vector("sum by (__name__) (x)", 0)).containsExactly(entry("{__name__=\"x\"}", 7.0));
        assertThat(f.vector("count_values(\"v\", x)", 0)).containsExactly(entry("{v=\"1\"}", 1.0),
                entry("{v=\"2\"}", 1.0), entry("{v=\"4\"}", 1.0));
        assertThat(f.vector("count_values by (job) (\"v\", x > 1)", 0)).containsOnlyKeys(
                "{job=\"api\", v=\"2\"}", "{job=\"db\", v=\"4\"}");
    }

    @Test
    void minAndMaxPreferNumbersOverNaN() {
        PromFixture f = new PromFixture().put("n{i=\"1\"}", 0, Double.NaN).put("n{i=\"2\"}", 0, 3);
        assertThat(f.one("max(n)", 0)).isEqualTo(3);
        assertThat(f.one("min(n)", 0)).isEqualTo(3);
        assertThat(f.one("max(n{i=\"1\"})", 0)).isNaN();
    }

    @Test
    void topkAndBottomkKeepTheElementsLabelsInValueOrder() {
        PromFixture f = jobs();
        assertThat(f.vector("topk(2, x)", 0)).containsExactly(
                entry("{__name__=\"x\", instance=\"a\", job=\"db\"}", 4.0),
                entry("{__name__=\"x\", instance=\"b\", job=\"api\"}", 2.0));
        assertThat(f.vector("bottomk(1, x)", 0)).containsExactly(
                entry("{__name__=\"x\", instance=\"a\", job=\"api\"}", 1.0));
        assertThat(f.vector("topk by (job) (1, x)", 0)).hasSize(2);
        assertThat(f.vector("topk(0, x)", 0)).isEmpty();
        assertThat(f.vector("topk(10, x)", 0)).hasSize(3);
        assertThat(f.vector("sort_desc(x)", 0).values()).containsExactly(4.0, 2.0, 1.0);
        assertThat(f.vector("sort(x)", 0).values()).containsExactly(1.0, 2.0, 4.0);
    }

    @Test
    void vectorMatching() {
        PromFixture f = jobs();
        assertThat(f.vector("x / on(job) group_left y", 0)).containsExactly(
                entry("{instance=\"a\", job=\"api\"}", 0.1),
                entry("{instance=\"a\", job=\"db\"}", 0.2),
                entry("{instance=\"b\", job=\"api\"}", 0.2));
        assertThat(f.vector("y / on(job) group_right x", 0)).containsExactly(
                entry("{instance=\"a\", job=\"api\"}", 10.0),
                entry("{instance=\"a\", job=\"db\"}", 5.0),
                entry("{instance=\"b\", job=\"api\"}", 5.0));
        f.put("info{job=\"api\",team=\"payments\"}", 0, 1);
        assertThat(f.vector("x * on(job) group_left(team) info", 0)).containsOnlyKeys(
                "{instance=\"a\", job=\"api\", team=\"payments\"}", "{instance=\"b\", job=\"api\", team=\"payments\"}");
        // One-to-one: the result keeps only the on() labels.
        assertThat(f.vector("sum by (job) (x) + on(job) y", 0)).containsExactly(entry("{job=\"api\"}", 13.0),
                entry("{job=\"db\"}", 24.0));
        assertThat(f.vector("x - ignoring(instance) group_left y", 0)).hasSize(3);
        assertThat(f.vector("x + x", 0)).containsEntry("{instance=\"a\", job=\"db\"}", 8.0);
    }

    @Test
    void matchingErrorsAreExecutionErrors() {
        PromFixture f = jobs();
        assertThatThrownBy(() -> f.at("x + on(job) y", 0)).isInstanceOf(QueryExecutionException.class)
                .hasMessage("multiple matches for labels: many-to-one matching must be explicit "
                        + "(group_left/group_right)");
        assertThatThrownBy(() -> f.at("y + on(job) x", 0)).isInstanceOf(QueryExecutionException.class)
                .hasMessage("found duplicate series for the match group {job=\"api\"} on the right hand-side of the "
                        + "operation: [{__name__=\"x\", instance=\"a\", job=\"api\"}, {__name__=\"x\", instance=\"b\", "
                        + "job=\"api\"}];many-to-many matching not allowed: matching labels must be unique on one side");
        assertThatThrownBy(() -> f.at("x * on(job) group_left x", 0)).isInstanceOf(QueryExecutionException.class)
                .hasMessageContaining("many-to-many matching not allowed");
        f.put("z{job=\"api\",instance=\"a\"}", 0, 1);
        f.put("x{job=\"api\",instance=\"a\"}", 30, 2).put("z{job=\"api\",instance=\"a\"}", 30, 2);
        assertThatThrownBy(() -> f.at("rate({__name__=~\"x|z\", job=\"api\", instance=\"a\"}[5m])", 30))
                .isInstanceOf(QueryExecutionException.class)
                .hasMessage("vector cannot contain metrics with the same labelset");
    }

    @Test
    void comparisonsFilterOrReturnBool() {
        PromFixture f = jobs();
        assertThat(f.vector("x > 1", 0)).containsOnlyKeys("{__name__=\"x\", instance=\"a\", job=\"db\"}",
                "{__name__=\"x\", instance=\"b\", job=\"api\"}");
        assertThat(f.vector("x > bool 1", 0)).containsExactly(entry("{instance=\"a\", job=\"api\"}", 0.0),
                entry("{instance=\"a\", job=\"db\"}", 1.0), entry("{instance=\"b\", job=\"api\"}", 1.0));
        // The scalar on the left: the vector's value is kept.
        assertThat(f.vector("3 > x", 0).values()).containsExactlyInAnyOrder(1.0, 2.0);
        assertThat(f.vector("x == on(job) group_left y / 5", 0)).containsExactly(
                entry("{__name__=\"x\", instance=\"a\", job=\"db\"}", 4.0),
                entry("{__name__=\"x\", instance=\"b\", job=\"api\"}", 2.0));
        assertThat(f.at("1 < bool 2", 0)).isEqualTo(new PromqlResult.Scalar(PromFixture.T0, 1));
    }

    @Test
    void setOperators() {
        PromFixture f = jobs();
        assertThat(f.vector("x and on(job) y{job=\"api\"}", 0)).hasSize(2);
        assertThat(f.vector("x unless on(job) y{job=\"api\"}", 0)).containsOnlyKeys(
                "{__name__=\"x\", instance=\"a\", job=\"db\"}");
        assertThat(f.vector("x{job=\"api\"} or y", 0)).hasSize(4);
        assertThat(f.vector("y or on(job) x", 0)).hasSize(2);
        assertThat(f.vector("x and x", 0)).hasSize(3);
    }

    @Test
    void arithmetic() {
        PromFixture f = new PromFixture().put("v", 0, 8);
        assertThat(f.one("v * 2 + 1", 0)).isEqualTo(17);
        assertThat(f.one("v % 3", 0)).isEqualTo(2);
        assertThat(f.one("-v % 3", 0)).isEqualTo(-2);
        assertThat(f.one("v ^ 2", 0)).isEqualTo(64);
        assertThat(f.at("2 ^ 3 ^ 2", 0)).isEqualTo(new PromqlResult.Scalar(PromFixture.T0, 512));
        assertThat(f.at("-2 ^ 2", 0)).isEqualTo(new PromqlResult.Scalar(PromFixture.T0, -4));
        assertThat(f.one("v / 0", 0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(f.one("0 * v / 0", 0)).isNaN();
        assertThat(f.at("1 ^ NaN", 0)).isEqualTo(new PromqlResult.Scalar(PromFixture.T0, 1));
        assertThat(f.one("v atan2 v", 0)).isCloseTo(Math.PI / 4, within(EPS));
        assertThat(f.vector("-v", 0)).containsOnlyKeys("{}");
        assertThat(f.vector("+v", 0)).containsOnlyKeys("{__name__=\"v\"}");
        assertThat(f.at("scalar(v) * 2", 0)).isEqualTo(new PromqlResult.Scalar(PromFixture.T0, 16));
        assertThat(f.at("scalar(nothing)", 0)).isInstanceOfSatisfying(PromqlResult.Scalar.class,
                s -> assertThat(s.value()).isNaN());
    }

    @Test
    void histogramQuantileInterpolatesWithinTheBucket() {
        // Cumulative buckets: ≤0.1: 10, ≤0.5: 30, ≤1: 40, +Inf: 50.
        PromFixture f = new PromFixture()
                .put("h_bucket{le=\"0.1\",job=\"a\"}", 0, 10)
                .put("h_bucket{le=\"0.5\",job=\"a\"}", 0, 30)
                .put("h_bucket{le=\"1\",job=\"a\"}", 0, 40)
                .put("h_bucket{le=\"+Inf\",job=\"a\"}", 0, 50);
        // Rank 25 falls in (0.1, 0.5] holding 20: 15 of them in → 0.1 + 0.4 × 15/20.
        assertThat(f.vector("histogram_quantile(0.5, h_bucket)", 0)).containsExactly(entry("{job=\"a\"}", 0.4));
        // Rank 5 in the first bucket, from 0: 0.1 × 5/10.
        assertThat(f.one("histogram_quantile(0.1, h_bucket)", 0)).isCloseTo(0.05, within(EPS));
        // Rank 40 exactly fills (0.5, 1].
        assertThat(f.one("histogram_quantile(0.8, h_bucket)", 0)).isCloseTo(1.0, within(EPS));
        // Rank 45 lands in +Inf: the largest finite bound.
        assertThat(f.one("histogram_quantile(0.9, h_bucket)", 0)).isEqualTo(1.0);
        assertThat(f.one("histogram_quantile(-1, h_bucket)", 0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(f.one("histogram_quantile(1.5, h_bucket)", 0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(f.one("histogram_quantile(0.5, sum by (le) (h_bucket))", 0)).isCloseTo(0.4, within(EPS));
    }

    @Test
    void histogramQuantileEdgeCases() {
        PromFixture noInf = new PromFixture().put("h_bucket{le=\"1\"}", 0, 1).put("h_bucket{le=\"2\"}", 0, 2);
        assertThat(noInf.one("histogram_quantile(0.5, h_bucket)", 0)).isNaN();
        // A bucket count going down is raised to the one before.
        PromFixture dip = new PromFixture().put("h_bucket{le=\"1\"}", 0, 10).put("h_bucket{le=\"2\"}", 0, 8)
                .put("h_bucket{le=\"4\"}", 0, 20).put("h_bucket{le=\"+Inf\"}", 0, 20);
        // Counts 10, 10, 20, 20; rank 15 in (2, 4] → 2 + 2 × 5/10.
        assertThat(dip.one("histogram_quantile(0.75, h_bucket)", 0)).isCloseTo(3, within(EPS));
        PromFixture empty = new PromFixture().put("h_bucket{le=\"1\"}", 0, 0).put("h_bucket{le=\"+Inf\"}", 0, 0);
        assertThat(empty.one("histogram_quantile(0.5, h_bucket)", 0)).isNaN();
        PromFixture negative = new PromFixture().put("h_bucket{le=\"-1\"}", 0, 5)
                .put("h_bucket{le=\"+Inf\"}", 0, 10);
        assertThat(negative.one("histogram_quantile(0.2, h_bucket)", 0)).isEqualTo(-1);
        PromFixture noLe = new PromFixture().put("h_bucket{x=\"1\"}", 0, 5);
        assertThat(noLe.vector("histogram_quantile(0.2, h_bucket)", 0)).isEmpty();
    }

    @Test
    void labelReplaceAndJoin() {
        PromFixture f = new PromFixture().put("up{job=\"api-server\",instance=\"10.0.0.1:9100\"}", 0, 1);
        assertThat(f.vector("label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")", 0)).containsOnlyKeys(
                "{__name__=\"up\", host=\"10.0.0.1\", instance=\"10.0.0.1:9100\", job=\"api-server\"}");
        assertThat(f.vector("label_replace(up, \"job\", \"\", \"job\", \".*\")", 0)).containsOnlyKeys(
                "{__name__=\"up\", instance=\"10.0.0.1:9100\"}");
        assertThat(f.vector("label_replace(up, \"x\", \"$1\", \"job\", \"nomatch(.*)\")", 0)).containsOnlyKeys(
                "{__name__=\"up\", instance=\"10.0.0.1:9100\", job=\"api-server\"}");
        // $1x is the group named "1x", absent: empty; ${1}x is group 1 then x.
        assertThat(f.vector("label_replace(up, \"a\", \"${1}x-$1x-$name\", \"job\", \"(?P<name>api)-.*\")", 0))
                .containsOnlyKeys("{__name__=\"up\", a=\"apix--api\", instance=\"10.0.0.1:9100\", job=\"api-server\"}");
        assertThat(f.vector("label_join(up, \"both\", \"/\", \"job\", \"instance\")", 0)).containsOnlyKeys(
                "{__name__=\"up\", both=\"api-server/10.0.0.1:9100\", instance=\"10.0.0.1:9100\", job=\"api-server\"}");
        assertThatThrownBy(() -> f.at("label_replace(up, \"a\", \"b\", \"job\", \"(\")", 0))
                .isInstanceOf(QueryExecutionException.class)
                .hasMessage("invalid regular expression in label_replace(): (");
    }

    @Test
    void absentAndAbsentOverTime() {
        PromFixture f = new PromFixture().put("up{job=\"api\"}", 0, 1);
        assertThat(f.vector("absent(up)", 0)).isEmpty();
        assertThat(f.vector("absent(nope{job=\"api\", instance=~\".*\", env=\"prod\"})", 0)).containsExactly(
                entry("{env=\"prod\", job=\"api\"}", 1.0));
        assertThat(f.vector("absent(sum(nope))", 0)).containsExactly(entry("{}", 1.0));
        assertThat(f.vector("absent_over_time(up[1m])", 30)).isEmpty();
        assertThat(f.vector("absent_over_time(up{job=\"api\"}[1m])", 120)).containsExactly(
                entry("{job=\"api\"}", 1.0));
        PromqlResult.Matrix m = f.range("absent(up)", 0, 600, 150);
        assertThat(PromFixture.points(m.series().getFirst())).containsOnlyKeys(300L, 450L, 600L);
    }

    @Test
    void overTimeFunctions() {
        PromFixture f = new PromFixture().every("g", 10, 10, 3, 1, 4, 1, 5, 9);
        assertThat(f.one("avg_over_time(g[1m])", 60)).isCloseTo(23.0 / 6, within(EPS));
        assertThat(f.one("sum_over_time(g[1m])", 60)).isEqualTo(23);
        assertThat(f.one("min_over_time(g[1m])", 60)).isEqualTo(1);
        assertThat(f.one("max_over_time(g[1m])", 60)).isEqualTo(9);
        assertThat(f.one("count_over_time(g[1m])", 60)).isEqualTo(6);
        assertThat(f.vector("last_over_time(g[1m])", 60)).containsExactly(entry("{__name__=\"g\"}", 9.0));
        assertThat(f.one("present_over_time(g[1m])", 60)).isEqualTo(1);
        assertThat(f.one("changes(g[1m])", 60)).isEqualTo(5);
        assertThat(f.one("resets(g[1m])", 60)).isEqualTo(2);
        double mean = 23.0 / 6;
        double var = 0;
        for (double v : new double[] {3, 1, 4, 1, 5, 9}) {
            var += (v - mean) * (v - mean);
        }
        assertThat(f.one("stdvar_over_time(g[1m])", 60)).isCloseTo(var / 6, within(1e-9));
        assertThat(f.one("stddev_over_time(g[1m])", 60)).isCloseTo(Math.sqrt(var / 6), within(1e-9));
        // Sorted 1, 1, 3, 4, 5, 9: rank 0.5 × 5 = 2.5 → 3 + 0.5 × (4 - 3).
        assertThat(f.one("quantile_over_time(0.5, g[1m])", 60)).isEqualTo(3.5);
    }

    @Test
    void derivAndPredictLinear() {
        // g = 2 + 0.5 t: slope 0.5/s; predicted 60s after 60s: 2 + 0.5 × 120.
        PromFixture f = new PromFixture().every("g", 0, 15, 2, 9.5, 17, 24.5, 32);
        assertThat(f.one("deriv(g[1m])", 60)).isCloseTo(0.5, within(EPS));
        assertThat(f.one("predict_linear(g[1m], 60)", 60)).isCloseTo(62, within(1e-9));
        assertThat(new PromFixture().every("k", 0, 15, 3, 3, 3).one("deriv(k[1m])", 30)).isEqualTo(0);
    }

    @Test
    void mathFunctions() {
        PromFixture f = new PromFixture().put("v{a=\"1\"}", 0, -2.5).put("p", 0, 8);
        assertThat(f.vector("abs(v)", 0)).containsExactly(entry("{a=\"1\"}", 2.5));
        assertThat(f.one("ceil(v)", 0)).isEqualTo(-2);
        assertThat(f.one("floor(v)", 0)).isEqualTo(-3);
        assertThat(f.one("round(v)", 0)).isEqualTo(-2);
        assertThat(f.one("round(p / 3, 0.5)", 0)).isEqualTo(2.5);
        assertThat(f.one("clamp(v, -1, 1)", 0)).isEqualTo(-1);
        assertThat(f.vector("clamp(v, 1, -1)", 0)).isEmpty();
        assertThat(f.one("clamp_min(v, 0)", 0)).isEqualTo(0);
        assertThat(f.one("clamp_max(p, 5)", 0)).isEqualTo(5);
        assertThat(f.one("log2(p)", 0)).isEqualTo(3);
        assertThat(f.one("log10(p * 125)", 0)).isEqualTo(3);
        assertThat(f.one("ln(p)", 0)).isCloseTo(Math.log(8), within(EPS));
        assertThat(f.one("exp(p - 8)", 0)).isEqualTo(1);
        assertThat(f.one("sqrt(p * 2)", 0)).isEqualTo(4);
        assertThat(f.one("sgn(v)", 0)).isEqualTo(-1);
        assertThat(f.one("sqrt(v)", 0)).isNaN();
        assertThat(f.one("deg(vector(pi()))", 0)).isCloseTo(180, within(EPS));
    }

    @Test
    void timeFunctions() {
        // T0 is 2023-11-14T22:00:00Z, a Tuesday.
        PromFixture f = new PromFixture().put("t", 30, 5);
        assertThat(f.one("hour()", 0)).isEqualTo(22);
        assertThat(f.one("minute()", 90)).isEqualTo(1);
        assertThat(f.one("day_of_week()", 0)).isEqualTo(2);
        assertThat(f.one("day_of_month()", 0)).isEqualTo(14);
        assertThat(f.one("day_of_year()", 0)).isEqualTo(318);
        assertThat(f.one("days_in_month()", 0)).isEqualTo(30);
        assertThat(f.one("month()", 0)).isEqualTo(11);
        assertThat(f.one("year()", 0)).isEqualTo(2023);
        assertThat(f.one("year(vector(0))", 0)).isEqualTo(1970);
        // timestamp() of a selector is the sample's own time, not the evaluation time.
        assertThat(f.vector("timestamp(t)", 60)).containsExactly(entry("{}", PromFixture.T0 / 1000 + 30.0));
        assertThat(f.one("timestamp(t + 0)", 60)).isEqualTo(PromFixture.T0 / 1000 + 60.0);
        assertThat(f.one("vector(time())", 60)).isEqualTo(PromFixture.T0 / 1000 + 60.0);
    }

    @Test
    void subqueriesAlignToTheirStep() {
        PromFixture f = new PromFixture().every("g", 0, 10, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        // Points at 70, 80, 90, 100, 110, 120 (multiples of 10s in (60s, 120s]).
        assertThat(f.one("count_over_time(g[1m:10s])", 120)).isEqualTo(6);
        assertThat(f.one("sum_over_time(g[1m:10s])", 120)).isEqualTo(7 + 8 + 9 + 10 + 11 + 12);
        // Default step 1m: only 120 in (60, 120].
        assertThat(f.one("count_over_time(g[1m:])", 120)).isEqualTo(1);
        assertThat(f.one("max_over_time(g[1m:10s] offset 30s)", 120)).isEqualTo(9);
        PromqlResult.Matrix m = f.range("max_over_time(deriv(g[30s])[1m:10s])", 60, 120, 30);
        assertThat(m.series()).hasSize(1);
        assertThat(m.series().getFirst().points().value(0)).isCloseTo(0.1, within(EPS));
    }

    @Test
    void atStartAndEndPinToTheQueryRange() {
        PromFixture f = new PromFixture().every("g", 0, 10, 0, 1, 2, 3, 4, 5, 6);
        Map<Long, Double> start = PromFixture.points(f.range("g @ start()", 10, 60, 10).series().getFirst());
        assertThat(start.values()).containsOnly(1.0);
        Map<Long, Double> end = PromFixture.points(f.range("g @ end()", 10, 60, 10).series().getFirst());
        assertThat(end.values()).containsOnly(6.0);
        assertThat(end).hasSize(6);
    }

    @Test
    void emptyListsOfSeries() {
        PromFixture f = new PromFixture();
        assertThat(f.vector("sum(nothing)", 0)).isEmpty();
        assertThat(f.vector("rate(nothing[5m])", 0)).isEmpty();
        assertThat(f.vector("nothing + on() group_left nothing", 0)).isEmpty();
        assertThat(f.range("sum by (a) (rate(nothing[5m]))", 0, 600, 60).series()).isEqualTo(List.of());
    }
}
