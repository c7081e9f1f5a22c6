package tocsin.server.intake;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestResult;
import tocsin.tsdb.AppendResult;
import tocsin.tsdb.MetricStore;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetricIntakeListenerTest {

    static MetricStore refusing(int index, int accepted) {
        return new MetricStore() {
            @Override
            public AppendResult append(MetricBatch batch) {
                return new AppendResult(accepted, index < 0 ? List.of()
                        : List.of(new Rejection("points[" + index + "]", "out of order")));
            }

            @Override
            public tocsin.tsdb.Querier querier(long minMillis, long maxMillis) {
                throw new UnsupportedOperationException();
            }

            @Override
            public AppendResult appendSketches(tocsin.core.metric.SketchBatch batch) {
                throw new UnsupportedOperationException();
            }

            @Override
            public tocsin.tsdb.SketchQuerier sketchQuerier(long minMillis, long maxMillis) {
                throw new UnsupportedOperationException();
            }
        };
    }

    static MetricBatch batch(int n) {
        MetricBatch b = new MetricBatch();
        for (int i = 0; i < n; i++) {
            b.add(SeriesKey.of("m", "i:" + i), MetricKind.GAUGE, 1000L * i, i);
        }
        return b;
    }

    @Test
    void listenerHearsDurablePointsAndWhichWereRefused() {
        MetricIntake intake = new MetricIntake(refusing(1, 2), new PrometheusRegistry());
        List<Boolean> seen = new ArrayList<>();
        intake.onAccepted((batch, rejected) -> {
            for (int i = 0; i < batch.size(); i++) {
                seen.add(rejected.test(i));
            }
        });

        intake.store("test", new IngestResult(batch(3), List.of()));

        assertThat(seen).containsExactly(false, true, false);
    }

    @Test
    void nothingAcceptedMeansNoCallAndAFailingListenerNeverFailsTheIngest() {
        MetricIntake none = new MetricIntake(refusing(0, 0), new PrometheusRegistry());
        List<Integer> calls = new ArrayList<>();
        none.onAccepted((batch, rejected) -> calls.add(batch.size()));
        none.store("test", new IngestResult(batch(1), List.of()));
        assertThat(calls).isEmpty();

        MetricIntake failing = new MetricIntake(refusing(-1, 2), new PrometheusRegistry());
        failing.onAccepted((batch, rejected) -> {
            throw new IllegalStateException("boom");
        });
        assertThat(failing.store("test", new IngestResult(batch(2), List.of())).accepted()).isEqualTo(2);
    }

    @Test
    void serviceCheckRunsAreStoredWhereServiceCheckMonitorsLook() {
        assertThat(ServiceCheckSeries.METRIC).isEqualTo(tocsin.monitor.eval.MonitorEvaluator.SERVICE_CHECK_METRIC);
    }
}
