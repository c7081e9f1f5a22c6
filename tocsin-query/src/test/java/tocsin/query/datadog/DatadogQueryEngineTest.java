package tocsin.query.datadog;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.query.InMemoryMetricSource;
import tocsin.query.UnsupportedQueryException;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static tocsin.query.datadog.Fixture.T0;
import static tocsin.query.datadog.Fixture.list;
import static tocsin.query.datadog.Fixture.seconds;
import static tocsin.query.datadog.Fixture.values;

/** Evaluation against hand-computed answers. Buckets are 20 s wide unless said otherwise. */
class DatadogQueryEngineTest {
    private final Fixture f = new Fixture();

    @Test
    void gridAndMetadataMatchARecordedDatadogAnswer() {
        // Datadog's Java client records this exchange: from=1623846101 to=1623932501 query=system.cpu.idle{*}
        // answered with interval 300, start 1623846300000, length 288, end 1623932699000, aggr null, scope "*".
        InMemoryMetricSource source = new InMemoryMetricSource();
        for (long t = 1_623_846_000_000L; t <= 1_623_932_501_000L; t += 60_000) {
            source.add(Fixture.key("system.cpu.idle{host:a}"), MetricKind.GAUGE, t, 94.25);
        }
        QueryResponse r = DatadogQueryEngine.over(source).query("system.cpu.idle{*}", 1_623_846_101_000L,
                1_623_932_501_000L, 1_623_932_501_000L);
        assertThat(r.fromDateMillis()).isEqualTo(1_623_846_101_000L);
        assertThat(r.toDateMillis()).isEqualTo(1_623_932_501_000L);
        assertThat(r.groupBy()).isEmpty();
        assertThat(r.query()).isEqualTo("system.cpu.idle{*}");
        QuerySeries s = r.series().getFirst();
        assertThat(s.intervalSeconds()).isEqualTo(300);
        assertThat(s.startMillis()).isEqualTo(1_623_846_300_000L);
        assertThat(s.length()).isEqualTo(288);
        assertThat(s.endMillis()).isEqualTo(1_623_932_699_000L);
        assertThat(s.aggr()).isNull();
        assertThat(s.scope()).isEqualTo("*");
        assertThat(s.expression()).isEqualTo("system.cpu.idle{*}");
        assertThat(s.metric()).isEqualTo("system.cpu.idle");
        assertThat(s.displayName()).isEqualTo("system.cpu.idle");
        assertThat(s.tagSet()).isEmpty();
        assertThat(s.queryIndex()).isZero();
        assertThat(values(s)).containsOnly(94.25);
    }

    @Test
    void groupTagsFoldIntoExpressionAndScopeAsDatadogAnswers() {
        // Shape of a Datadog answer quoted in a public client: group tags first in the expression, sorted in scope.
        InMemoryMetricSource source = new InMemoryMetricSource();
        source.add(Fixture.key("redis.mem.peak{app_feature:shared,shared_resource_id:rc_long_redis}"),
                MetricKind.GAUGE, 1_721_083_886_000L, 10);
        source.add(Fixture.key("redis.mem.peak{app_feature:shared,shared_resource_id:rc_long_redis}"),
                MetricKind.GAUGE, 1_721_083_890_000L, 20);
        QueryResponse r = DatadogQueryEngine.over(source).query(
                "avg:redis.mem.peak{app_feature:shared}by{shared_resource_id}.rollup(5)",
                1_721_083_881_000L, 1_721_083_891_000L, 1_721_083_891_000L);
        assertThat(r.groupBy()).containsExactly("shared_resource_id");
        QuerySeries s = r.series().getFirst();
        assertThat(s.expression()).isEqualTo(
                "avg:redis.mem.peak{shared_resource_id:rc_long_redis,app_feature:shared}.rollup(5)");
        assertThat(s.scope()).isEqualTo("app_feature:shared,shared_resource_id:rc_long_redis");
        assertThat(s.tagSet()).containsExactly("shared_resource_id:rc_long_redis");
        assertThat(s.aggr()).isEqualTo("avg");
        assertThat(s.intervalSeconds()).isEqualTo(5);
        assertThat(s.length()).isEqualTo(2);
        assertThat(s.startMillis()).isEqualTo(1_721_083_885_000L);
        assertThat(s.endMillis()).isEqualTo(1_721_083_894_000L);
        assertThat(values(s)).containsExactly(10.0, 20.0);
    }

    @Test
    void timeAggregationWithinBuckets() {
        f.gauge("cpu{host:a}", 0, 1, 10, 3, 20, 5, 30, 7);
        QuerySeries avg = f.one("cpu{*}");
        assertThat(avg.intervalSeconds()).isEqualTo(20);
        assertThat(seconds(avg)).containsExactly(0L, 20L);
        assertThat(values(avg)).containsExactly(2.0, 6.0);
        assertThat(values(f.one("cpu{*}.rollup(sum)"))).containsExactly(4.0, 12.0);
        assertThat(values(f.one("cpu{*}.rollup(min)"))).containsExactly(1.0, 5.0);
        assertThat(values(f.one("cpu{*}.rollup(max)"))).containsExactly(3.0, 7.0);
        assertThat(values(f.one("cpu{*}.rollup(count)"))).containsExactly(2.0, 2.0);
        QuerySeries minute = f.one("cpu{*}.rollup(sum, 60)");
        assertThat(minute.intervalSeconds()).isEqualTo(60);
        assertThat(values(minute)).containsExactly(16.0);
    }

    @Test
    void spaceAggregationAcrossSeriesAndGroups() {
        f.gauge("cpu{host:a}", 0, 1, 10, 3, 20, 5, 30, 7);
        f.gauge("cpu{host:b}", 0, 10, 10, 10, 20, 20, 30, 20);
        assertThat(values(f.one("avg:cpu{*}"))).containsExactly(6.0, 13.0);
        assertThat(values(f.one("sum:cpu{*}"))).containsExactly(12.0, 26.0);
        assertThat(values(f.one("min:cpu{*}"))).containsExactly(2.0, 6.0);
        assertThat(values(f.one("max:cpu{*}"))).containsExactly(10.0, 20.0);

        List<QuerySeries> byHost = f.hour("avg:cpu{*} by {host}").series();
        assertThat(byHost).extracting(QuerySeries::tagSet).containsExactly(List.of("host:a"), List.of("host:b"));
        assertThat(byHost).extracting(QuerySeries::expression).containsExactly("avg:cpu{host:a}", "avg:cpu{host:b}");
        assertThat(byHost).extracting(QuerySeries::scope).containsExactly("host:a", "host:b");
        assertThat(values(byHost.get(1))).containsExactly(10.0, 20.0);
    }

    @Test
    void seriesWithoutAGroupKeyJoinTheNotApplicableGroup() {
        f.gauge("cpu{host:a,env:prod}", 0, 1);
        f.gauge("cpu{env:prod}", 0, 5);
        assertThat(f.hour("sum:cpu{env:prod} by {host}").series()).extracting(QuerySeries::tagSet)
                .containsExactly(List.of("host:N/A"), List.of("host:a"));
        assertThat(f.hour("exclude_null(sum:cpu{env:prod} by {host})").series()).extracting(QuerySeries::tagSet)
                .containsExactly(List.of("host:a"));
    }

    @Test
    void scopesSelectSeries() {
        f.gauge("cpu{host:web-1,env:prod}", 0, 1);
        f.gauge("cpu{host:web-2,env:prod}", 0, 2);
        f.gauge("cpu{host:db-1,env:dev}", 0, 4);
        assertThat(values(f.one("sum:cpu{env:prod}"))).containsExactly(3.0);
        assertThat(values(f.one("sum:cpu{!host:web-1}"))).containsExactly(6.0);
        assertThat(values(f.one("sum:cpu{host:web-*}"))).containsExactly(3.0);
        assertThat(values(f.one("sum:cpu{host IN (web-1, db-1)}"))).containsExactly(5.0);
        assertThat(values(f.one("sum:cpu{host NOT IN (web-1, db-1)}"))).containsExactly(2.0);
        assertThat(values(f.one("sum:cpu{env:prod AND NOT host:web-2}"))).containsExactly(1.0);
        assertThat(values(f.one("sum:cpu{env:dev OR host:web-2}"))).containsExactly(6.0);
        assertThat(values(f.one("sum:cpu{host:*}"))).containsExactly(7.0);
        assertThat(f.hour("sum:cpu{env:qa}").series()).isEmpty();
        assertThat(f.hour("sum:nothing{*}").series()).isEmpty();
    }

    @Test
    void countsAverageByDefaultAndSumUnderTypeModifiers() {
        f.put("requests{host:a}", MetricKind.COUNT, 0, 3, 10, 5, 20, 7);
        assertThat(values(f.one("requests{*}"))).containsExactly(4.0, 7.0);
        assertThat(values(f.one("requests{*}.as_count()"))).containsExactly(8.0, 7.0);
        assertThat(values(f.one("requests{*}.as_rate()"))).containsExactly(0.4, 0.35);
        assertThat(values(f.one("requests{*}.as_count().rollup(max)"))).containsExactly(5.0, 7.0);
    }

    @Test
    void ratesCountAsRateTimesSamplingInterval() {
        f.put("queue.rate{host:a}", MetricKind.RATE, 0, 2, 10, 2, 20, 2, 30, 2);
        assertThat(values(f.one("queue.rate{*}"))).containsExactly(2.0, 2.0);
        assertThat(values(f.one("queue.rate{*}.as_count()"))).containsExactly(40.0, 40.0);
        assertThat(values(f.one("queue.rate{*}.as_rate()"))).containsExactly(2.0, 2.0);
    }

    @Test
    void aDeclaredIntervalIsWhatARatePointStandsFor() {
        // DogStatsD counts, flushed every 10 s: 3 events in one interval, then 1 event in another 30 s later. The
        // points' spacing (30 s) is not their interval; the declared 10 s is.
        f.put("app.requests{host:a}", MetricKind.RATE, 0, 0.3, 30, 0.1);
        f.source.declareRateInterval("app.requests", 10);
        assertThat(values(f.one("app.requests{*}.as_count()"))).containsExactly(3.0, 1.0);
        assertThat(values(f.one("app.requests{*}.rollup(sum, 60).as_count()"))).containsExactly(4.0);
        assertThat(values(f.one("app.requests{*}.as_rate()"))).containsExactly(0.15, 0.05);
        assertThat(values(f.one("app.requests{*}"))).containsExactly(0.3, 0.1); // per second, as submitted
    }

    @Test
    void gaugesIgnoreTypeModifiers() {
        f.gauge("temp{host:a}", 0, 1, 10, 3);
        assertThat(values(f.one("temp{*}.as_count()"))).containsExactly(2.0);
        assertThat(values(f.one("temp{*}.as_rate()"))).containsExactly(2.0);
    }

    @Test
    void countersBecomeIncrementsWithResets() {
        // 100 before the range, then 110, 130, a reset to 5, then 15: increments 10, 20, 5, 10.
        f.put("http.total{host:a}", MetricKind.COUNTER, -20, 100, 0, 110, 10, 130, 20, 5, 30, 15);
        assertThat(values(f.one("http.total{*}.as_count()"))).containsExactly(30.0, 15.0);
        assertThat(values(f.one("http.total{*}"))).containsExactly(15.0, 7.5);
        assertThat(values(f.one("http.total{*}.as_rate()"))).containsExactly(1.5, 0.75);
    }

    @Test
    void gaugesInterpolateLinearlyWhenSeveralSeriesMeet() {
        f.gauge("m{host:a}", 0, 4, 40, 10);
        f.gauge("m{host:b}", 0, 1, 20, 1, 40, 1);
        assertThat(values(f.one("sum:m{*}"))).containsExactly(5.0, 8.0, 11.0);
        assertThat(values(f.one("sum:m{*}.fill(null)"))).containsExactly(5.0, 1.0, 11.0);
        // zero and last also reach past the last sample, up to the limit (300 s: 15 buckets after 40 s)
        QuerySeries zero = f.one("sum:m{*}.fill(zero)");
        assertThat(values(zero).subList(0, 3)).containsExactly(5.0, 1.0, 11.0);
        assertThat(values(zero).subList(3, 18)).containsOnly(0.0);
        assertThat(seconds(zero).getLast()).isEqualTo(340L);
        QuerySeries last = f.one("sum:m{*}.fill(last)");
        assertThat(values(last).subList(0, 3)).containsExactly(5.0, 5.0, 11.0);
        assertThat(values(last).subList(3, 18)).containsOnly(11.0);
        assertThat(values(f.one("sum:m{*}.fill(linear, 10)"))).containsExactly(5.0, 1.0, 11.0);
        // one series: no interpolation, the gap stays in the point list
        assertThat(values(f.one("m{host:a}"))).containsExactly(4.0, null, 10.0);
        assertThat(values(f.one("m{host:a}.fill(zero)")).subList(0, 3)).containsExactly(4.0, 0.0, 10.0);
    }

    @Test
    void interpolationStopsAtItsLimit() {
        f.gauge("m{host:a}", 0, 1);
        f.gauge("m{host:b}", 0, 0, 600, 0);
        QuerySeries last = f.one("sum:m{*}.fill(last, 60)");
        // host:a is carried for 60 s (3 buckets) after its only point
        assertThat(values(last).subList(0, 5)).containsExactly(1.0, 1.0, 1.0, 1.0, null);
    }

    @Test
    void typeModifiersDisableDefaultInterpolation() {
        f.put("c{host:a}", MetricKind.COUNT, 0, 4, 40, 10);
        f.put("c{host:b}", MetricKind.COUNT, 0, 1, 20, 1, 40, 1);
        assertThat(values(f.one("sum:c{*}.as_count()"))).containsExactly(5.0, 1.0, 11.0);
        assertThat(values(f.one("sum:c{*}"))).containsExactly(5.0, 8.0, 11.0);
    }

    @Test
    void arithmeticMatchesSeriesByGroupTags() {
        f.gauge("a{host:x}", 0, 10);
        f.gauge("a{host:y}", 0, 20);
        f.gauge("b{host:x}", 0, 2);
        f.gauge("b{host:z}", 0, 5);

        QuerySeries ratio = f.one("a{*} by {host} / b{*} by {host}");
        assertThat(values(ratio)).containsExactly(5.0);
        assertThat(ratio.tagSet()).containsExactly("host:x");
        assertThat(ratio.expression()).isEqualTo("a{host:x} / b{host:x}");
        assertThat(ratio.metric()).isEqualTo("a / b");
        assertThat(ratio.scope()).isEqualTo("host:x");

        List<QuerySeries> broadcast = f.hour("a{*} by {host} - b{*}").series();
        assertThat(broadcast).extracting(s -> values(s).getFirst()).containsExactly(6.5, 16.5);
        assertThat(broadcast.getFirst().expression()).isEqualTo("a{host:x} - b{*}");

        assertThat(f.hour("a{*} by {host} * 2 + 1").series()).extracting(s -> values(s).getFirst())
                .containsExactly(21.0, 41.0);
        assertThat(f.hour("2 * -a{*} by {host}").series()).extracting(s -> values(s).getFirst())
                .containsExactly(-20.0, -40.0);
        assertThat(values(f.one("(a{host:x} + a{host:y}) / 2"))).containsExactly(15.0);
        assertThat(f.one("(a{host:x} + a{host:y}) / 2").expression()).isEqualTo("(a{host:x} + a{host:y}) / 2");
        assertThat(f.hour("a{*} / (b{*} - b{*})").series()).as("division by zero is null").isEmpty();
    }

    @Test
    void countsUnderTypeModifiersAlignAsZeroInArithmetic() {
        f.put("errors{host:a}", MetricKind.COUNT, 0, 5, 20, 5);
        f.put("retries{host:a}", MetricKind.COUNT, 0, 1);
        assertThat(values(f.one("errors{*}.as_count() - retries{*}.as_count()"))).containsExactly(4.0, 5.0);
        f.gauge("g1{host:a}", 0, 5, 20, 5);
        f.gauge("g2{host:a}", 0, 1);
        assertThat(values(f.one("g1{*} - g2{*}"))).containsExactly(4.0);
    }

    @Test
    void timeShiftsReadThePast() {
        f.gauge("m{host:a}", -3600, 7, 0, 1);
        f.gauge("m{host:a}", -86_400, 9);
        f.gauge("m{host:a}", -7 * 86_400, 11);
        f.gauge("m{host:a}", -28 * 86_400, 13);
        // the grid's last bucket, T0 + 1 h, shows the point at T0
        QuerySeries hourBefore = f.one("hour_before(m{*})");
        assertThat(seconds(hourBefore)).startsWith(0L).endsWith(3600L);
        assertThat(values(hourBefore)).startsWith(7.0).endsWith(1.0);
        assertThat(values(f.one("timeshift(m{*}, -3600)"))).isEqualTo(values(hourBefore));
        assertThat(values(f.one("m{*} - hour_before(m{*})"))).containsExactly(-6.0);
        assertThat(values(f.one("day_before(m{*})"))).containsExactly(9.0);
        assertThat(values(f.one("week_before(m{*})"))).containsExactly(11.0);
        assertThat(values(f.one("month_before(m{*})"))).containsExactly(13.0);
    }

    @Test
    void commaSeparatedQueriesAnswerWithTheirIndex() {
        f.gauge("a{host:x}", 0, 1);
        f.gauge("b{host:x}", 0, 2);
        QueryResponse r = f.hour("avg:a{*}, sum:b{*} by {host}");
        assertThat(r.series()).extracting(QuerySeries::queryIndex).containsExactly(0, 1);
        assertThat(r.series()).extracting(QuerySeries::metric).containsExactly("a", "b");
        assertThat(r.groupBy()).containsExactly("host");
    }

    @Test
    void nothingAfterNowIsEvaluated() {
        f.gauge("m{host:a}", 0, 1, 30, 3, 40, 100);
        QueryResponse r = f.engine.query("m{*}", T0, T0 + Fixture.HOUR, T0 + 30_000);
        QuerySeries s = r.series().getFirst();
        assertThat(seconds(s)).containsExactly(0L, 20L);
        assertThat(values(s)).containsExactly(1.0, 3.0);
        assertThat(r.toDateMillis()).isEqualTo(T0 + Fixture.HOUR);
    }

    @Test
    void customRollupsAreCoarsenedBeyond1500Points() {
        f.gauge("m{host:a}", 0, 1);
        QueryResponse r = f.engine.query("m{*}.rollup(avg, 10)", T0, T0 + 30 * 86_400_000L, T0 + 40 * 86_400_000L);
        // 30 days in 10 s buckets would be 259 200 points; 1800 s is the finest ladder step within 1500
        assertThat(r.series().getFirst().intervalSeconds()).isEqualTo(1800);
    }

    @Test
    void aRollupWiderThanTheRangeStillAnswersTheBucketHoldingIt() {
        f.gauge("m{host:a}", 0, 2, 60, 4);
        QuerySeries s = f.one("m{*}.rollup(sum, 86400)");
        assertThat(s.intervalSeconds()).isEqualTo(86_400);
        assertThat(s.startMillis()).isEqualTo(Math.floorDiv(T0, 86_400_000L) * 86_400_000L);
        assertThat(values(s)).containsExactly(6.0);
    }

    @Test
    void distributionAggregatorsOnPlainMetricsAreRefused() {
        f.gauge("latency{host:a}", 0, 1);
        assertThatThrownBy(() -> f.hour("p95:latency{*}"))
                .isInstanceOf(UnsupportedQueryException.class)
                .hasMessageContaining("'p95:' aggregator applies to distribution metrics and latency is not one");
        assertThatThrownBy(() -> f.hour("count:latency{*}")).isInstanceOf(UnsupportedQueryException.class);
        assertThat(f.hour("p95:nothing.here{*}").series()).isEmpty();
    }

    @Test
    void everythingComposes() {
        f.put("req{host:a,env:prod}", MetricKind.COUNT, 0, 1, 20, 2);
        f.put("req{host:b,env:prod}", MetricKind.COUNT, 0, 3, 20, 4);
        f.put("req{host:c,env:dev}", MetricKind.COUNT, 0, 5);
        QueryResponse r = f.hour("top(sum:req{env:prod AND NOT host:b} by {host}.as_count().fill(zero, 20), 3, "
                + "'sum', 'desc') / 2, default_zero(hour_before(avg:req{*})) + 1");
        assertThat(r.series()).extracting(QuerySeries::queryIndex).containsExactly(0, 1);
        QuerySeries top = r.series().getFirst();
        assertThat(top.tagSet()).containsExactly("host:a");
        // scopes come back in canonical form: a conjunction of terms uses commas
        assertThat(top.expression()).isEqualTo(
                "top(sum:req{host:a,env:prod,!host:b}.as_count().fill(zero, 20), 3, 'sum', 'desc') / 2");
        assertThat(top.scope()).isEqualTo("!host:b,env:prod,host:a");
        assertThat(values(top).subList(0, 3)).containsExactly(0.5, 1.0, 0.0);
        // an hour before, only the grid's last bucket (T0 + 1 h) has data: avg(1, 3, 5) = 3
        QuerySeries shifted = r.series().get(1);
        assertThat(shifted.length()).isEqualTo(181);
        assertThat(values(shifted).subList(0, 180)).containsOnly(1.0);
        assertThat(values(shifted).getLast()).isEqualTo(4.0);
    }

    @Test
    void rangesMustRunForward() {
        assertThatThrownBy(() -> f.engine.query("m{*}", T0 + 1, T0, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsedQueriesAreReusable() {
        f.gauge("m{host:a}", 0, 2);
        DatadogQuery q = DatadogQueryEngine.parse("avg:m{*} by {host}");
        assertThat(q.metrics()).containsExactly("m");
        QueryResponse r1 = f.engine.evaluate(q, T0, T0 + Fixture.HOUR, T0 + Fixture.HOUR);
        QueryResponse r2 = f.engine.evaluate(q, T0, T0 + Fixture.HOUR, T0 + Fixture.HOUR);
        assertThat(r1.toJson()).isEqualTo(r2.toJson());
        assertThat(values(r1.series().getFirst()).getFirst()).isCloseTo(2.0, within(0.0));
    }
}
