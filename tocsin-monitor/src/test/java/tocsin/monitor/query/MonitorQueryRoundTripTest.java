package tocsin.monitor.query;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tocsin.monitor.query.CompositeQuery.And;
import tocsin.monitor.query.CompositeQuery.Node;
import tocsin.monitor.query.CompositeQuery.Not;
import tocsin.monitor.query.CompositeQuery.Or;
import tocsin.monitor.query.CompositeQuery.Ref;
import tocsin.monitor.query.MetricAlertQuery.Change;

import static org.assertj.core.api.Assertions.assertThat;

/** parse(render(q)) == q for every kind of monitor query. */
class MonitorQueryRoundTripTest {

    @Property(tries = 500)
    void metricAlerts(@ForAll("metricAlerts") MetricAlertQuery q) {
        MetricAlertQuery back = MonitorQueryParser.metricAlert(q.toString());

        assertThat(back).isEqualTo(q);
        assertThat(back.toString()).isEqualTo(q.toString());
    }

    @Property(tries = 300)
    void serviceChecks(@ForAll("serviceChecks") ServiceCheckQuery q) {
        assertThat(MonitorQueryParser.serviceCheck(q.toString())).isEqualTo(q);
    }

    @Property(tries = 300)
    void composites(@ForAll("composites") Node root) {
        CompositeQuery q = new CompositeQuery(root);
        CompositeQuery back = MonitorQueryParser.composite(q.toString());

        assertThat(back.toString()).isEqualTo(q.toString());
        // Equal as boolean functions over every assignment of the ids.
        var ids = q.ids();
        for (int mask = 0; mask < (1 << Math.min(ids.size(), 8)); mask++) {
            int m = mask;
            java.util.function.LongPredicate t = id -> (m >> Math.min(7, ids.indexOf(id)) & 1) == 1;
            assertThat(back.eval(t)).isEqualTo(q.eval(t));
        }
    }

    @Provide
    Arbitrary<MetricAlertQuery> metricAlerts() {
        Arbitrary<TimeAggregator> aggs = Arbitraries.oneOf(
                Arbitraries.of(TimeAggregator.Kind.AVG, TimeAggregator.Kind.SUM, TimeAggregator.Kind.MIN,
                        TimeAggregator.Kind.MAX).map(TimeAggregator::of),
                Arbitraries.integers().between(1, 100).map(p -> new TimeAggregator(TimeAggregator.Kind.PERCENTILE,
                        p)));
        Arbitrary<Window> windows = Arbitraries.of('m', 'h', 'd').flatMap(u -> Arbitraries.longs()
                .between(1, u == 'm' ? 10080 : u == 'h' ? 168 : 7).map(n -> new Window(n, u)));
        Arbitrary<String> metrics = Combinators.combine(Arbitraries.of("avg", "sum", "min", "max", "p99"),
                Arbitraries.of("system.cpu.user", "a.b_c", "requests"),
                Arbitraries.of("*", "env:prod", "env:prod,!host:a", "host:web-*"),
                Arbitraries.of("", " by {host}", " by {host,az}"),
                Arbitraries.of("", ".as_count()"))
                .as((a, m, s, b, mod) -> a + ":" + m + "{" + s + "}" + b + mod);
        Arbitrary<Double> thresholds = Arbitraries.oneOf(Arbitraries.integers().between(-1000, 1000)
                .map(Integer::doubleValue), Arbitraries.doubles().between(-1e6, 1e6).ofScale(3));
        return Combinators.combine(Arbitraries.of(Change.values()), aggs, windows, windows, metrics,
                Arbitraries.of(Comparator.values()), thresholds)
                .as((ch, agg, w, shift, m, cmp, t) -> new MetricAlertQuery(ch, agg, w, ch == Change.NONE ? null
                        : shift, m, cmp, t));
    }

    @Provide
    Arbitrary<ServiceCheckQuery> serviceChecks() {
        Arbitrary<String> values = Arbitraries.strings().withCharRange(' ', '~').ofMinLength(1).ofMaxLength(12);
        return Combinators.combine(values.filter(v -> !v.isBlank()), values.list().ofMinSize(1).ofMaxSize(3), values.list().ofMaxSize(2),
                values.list().ofMaxSize(2), Arbitraries.integers().between(1, 100))
                .as(ServiceCheckQuery::new);
    }

    @Provide
    Arbitrary<Node> composites() {
        return node(4);
    }

    private Arbitrary<Node> node(int depth) {
        Arbitrary<Node> ref = Arbitraries.longs().between(1, 99_999).map(Ref::new);
        if (depth == 0) {
            return ref;
        }
        Arbitrary<Node> sub = Arbitraries.lazy(() -> node(depth - 1));
        return Arbitraries.oneOf(ref, sub.map(Not::new),
                Combinators.combine(sub, sub).as(And::new), Combinators.combine(sub, sub).as(Or::new));
    }
}
