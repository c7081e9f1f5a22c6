package tocsin.query;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryMetricSourceTest {

    @Test
    void selectsByNameFilterAndTimeAndReadsInOrder() {
        SeriesKey a = SeriesKey.of("cpu", "host:a");
        SeriesKey b = SeriesKey.of("cpu", "host:b");
        MetricBatch batch = new MetricBatch();
        batch.add(a, MetricKind.GAUGE, 2000, 2);
        batch.add(a, MetricKind.GAUGE, 1000, 1);
        batch.add(b, MetricKind.GAUGE, 9000, 9);
        InMemoryMetricSource source = new InMemoryMetricSource().add(batch).add(a, MetricKind.GAUGE, 2000, 20);

        assertThat(source.select("cpu", TagFilter.any(), 0, 5000)).containsExactly(
                new SourceSeries(a, MetricKind.GAUGE));
        assertThat(source.select("cpu", TagFilter.term("host:b"), 0, 10_000)).containsExactly(
                new SourceSeries(b, MetricKind.GAUGE));
        assertThat(source.select("mem", TagFilter.any(), 0, 10_000)).isEmpty();
        Points p = source.read(new SourceSeries(a, MetricKind.GAUGE), 0, 5000);
        assertThat(p).isEqualTo(Points.of(new long[] {1000, 2000}, new double[] {1, 20}));
        assertThat(source.read(new SourceSeries(a, MetricKind.GAUGE), 1500, 1999).isEmpty()).isTrue();
    }

    @Test
    void listsTheMetricNamesWithPointsInRange() {
        InMemoryMetricSource source = new InMemoryMetricSource()
                .add(SeriesKey.of("mem", "host:a"), MetricKind.GAUGE, 5000, 1)
                .add(SeriesKey.of("cpu", "host:a"), MetricKind.GAUGE, 1000, 1)
                .add(SeriesKey.of("cpu", "host:b"), MetricKind.GAUGE, 9000, 1);
        assertThat(source.metricNames(0, 10_000)).containsExactly("cpu", "mem");
        assertThat(source.metricNames(8000, 10_000)).containsExactly("cpu");
        assertThat(source.metricNames(2000, 3000)).isEmpty();
        assertThat(source.metricNames(3000, 2000)).isEmpty();
        MetricSource bare = new MetricSource() {
            @Override
            public java.util.List<SourceSeries> select(String metric, TagFilter filter, long from, long to) {
                return java.util.List.of();
            }

            @Override
            public Points read(SourceSeries series, long from, long to) {
                return Points.EMPTY;
            }
        };
        assertThat(bare.metricNames(0, 1)).isEmpty();
    }

    @Test
    void pointsRefuseBackwardsTime() {
        assertThatThrownBy(() -> Points.of(new long[] {2, 1}, new double[] {0, 0}))
                .hasMessageContaining("backwards at index 1");
        assertThatThrownBy(() -> Points.of(new long[] {1}, new double[0]))
                .hasMessageContaining("1 timestamps but 0 values");
    }
}
