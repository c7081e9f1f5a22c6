package tocsin.query.promql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code rate}, {@code increase}, {@code delta}, {@code irate}, {@code idelta} against values worked out by hand from
 * Prometheus's documented {@code extrapolatedRate}: the first-to-last difference (plus the value before each drop for
 * counters), extrapolated towards each window end by the gap to it when that gap is under 1.1 average sample
 * spacings, else by half a spacing, and for counters no further back than the extrapolated zero.
 */
class RateTest {
    private static final double EPS = 1e-12;

    @Test
    void aSteadyCounterRatesAtItsSlope() {
        // Window (0s, 60s] holds 15s..60s: 10, 20, 30, 40. Difference 30 over 45s sampled; 15s to the start
        // (under the 16.5s threshold) and 0s to the end: extrapolated to 60s, factor 60/45.
        PromFixture f = new PromFixture().every("c", 15, 15, 10, 20, 30, 40);
        assertThat(f.one("increase(c[1m])", 60)).isCloseTo(40, within(EPS));
        assertThat(f.one("rate(c[1m])", 60)).isCloseTo(40.0 / 60, within(EPS));
    }

    @Test
    void aCounterResetAddsTheValueBeforeTheDrop() {
        // 10, 20, 5, 15: difference 5, plus 20 before the drop to 5 → 25. The zero point: 45 × 10/25 = 18s back,
        // further than the 15s gap, so the gap stands: 25 × 60/45.
        PromFixture f = new PromFixture().every("c", 15, 15, 10, 20, 5, 15);
        assertThat(f.one("increase(c[1m])", 60)).isCloseTo(25.0 * 60 / 45, within(EPS));
        assertThat(f.one("rate(c[1m])", 60)).isCloseTo(25.0 / 45, within(EPS));
        assertThat(f.one("resets(c[1m])", 60)).isEqualTo(1);
        // delta treats the same samples as a gauge: 15 - 10, extrapolated alike.
        assertThat(f.one("delta(c[1m])", 60)).isCloseTo(5.0 * 60 / 45, within(EPS));
    }

    @Test
    void gapsBeyondTheThresholdExtrapolateHalfASpacing() {
        // Samples at 30, 40, 50s: 100, 110, 120. Spacing 10s, threshold 11s. 30s to the start → 5s; 10s to the end
        // stays. 20 over 20s sampled, extrapolated to 35s.
        PromFixture f = new PromFixture().every("c", 30, 10, 100, 110, 120);
        assertThat(f.one("increase(c[1m])", 60)).isCloseTo(35, within(EPS));
        assertThat(f.one("rate(c[1m])", 60)).isCloseTo(35.0 / 60, within(EPS));
        assertThat(f.one("delta(c[1m])", 60)).isCloseTo(35, within(EPS));
    }

    @Test
    void aCounterIsNotExtrapolatedBelowZero() {
        // Samples at 20, 40, 60s: 1, 11, 21. 20s to the start is under the 22s threshold, but the counter would
        // reach zero 40 × 1/20 = 2s before the first sample: extrapolated by 2s only, 20 × 42/40.
        PromFixture f = new PromFixture().every("c", 20, 20, 1, 11, 21);
        assertThat(f.one("increase(c[1m])", 60)).isCloseTo(21, within(EPS));
        // delta has no such floor: 20 × 60/40.
        assertThat(f.one("delta(c[1m])", 60)).isCloseTo(30, within(EPS));
    }

    @Test
    void deltaOfAFallingGauge() {
        PromFixture f = new PromFixture().every("g", 30, 10, 120, 110, 100);
        assertThat(f.one("delta(g[1m])", 60)).isCloseTo(-35, within(EPS));
    }

    @Test
    void theWindowIsLeftOpen() {
        // A sample exactly at the window's start is outside it (Prometheus 3): at 60s, (0s, 60s] holds 15..60 only.
        PromFixture f = new PromFixture().every("c", 0, 15, 0, 10, 20, 30, 40);
        assertThat(f.one("count_over_time(c[1m])", 60)).isEqualTo(4);
        assertThat(f.one("increase(c[1m])", 60)).isCloseTo(40, within(EPS));
    }

    @Test
    void fewerThanTwoSamplesGiveNothing() {
        PromFixture f = new PromFixture().put("c", 30, 5);
        assertThat(f.vector("rate(c[1m])", 60)).isEmpty();
        assertThat(f.vector("irate(c[1m])", 60)).isEmpty();
        assertThat(f.vector("deriv(c[1m])", 60)).isEmpty();
        assertThat(f.one("count_over_time(c[1m])", 60)).isEqualTo(1);
    }

    @Test
    void irateAndIdeltaUseTheLastTwoSamples() {
        PromFixture f = new PromFixture().every("c", 15, 15, 10, 20, 5, 15);
        assertThat(f.one("irate(c[1m])", 60)).isCloseTo(10.0 / 15, within(EPS));
        assertThat(f.one("idelta(c[1m])", 60)).isCloseTo(10, within(EPS));
        // A reset between the last two: irate takes the last value as the increase.
        PromFixture reset = new PromFixture().every("c", 15, 15, 10, 20, 30, 6);
        assertThat(reset.one("irate(c[1m])", 60)).isCloseTo(6.0 / 15, within(EPS));
        assertThat(reset.one("idelta(c[1m])", 60)).isCloseTo(-24, within(EPS));
    }

    @Test
    void rateDropsTheMetricNameAndKeepsLabels() {
        PromFixture f = new PromFixture()
                .every("http_requests_total{job=\"api\",code=\"200\"}", 15, 15, 10, 20, 30, 40)
                .every("http_requests_total{job=\"api\",code=\"500\"}", 15, 15, 1, 1, 2, 2);
        assertThat(f.vector("rate(http_requests_total[1m])", 60)).containsOnlyKeys(
                "{code=\"200\", job=\"api\"}", "{code=\"500\", job=\"api\"}");
    }

    @Test
    void offsetAndAtMoveTheWindow() {
        PromFixture f = new PromFixture().every("c", 15, 15, 10, 20, 30, 40, 40, 40, 40, 40);
        assertThat(f.one("increase(c[1m])", 120)).isEqualTo(0);
        assertThat(f.one("increase(c[1m] offset 1m)", 120)).isCloseTo(40, within(EPS));
        assertThat(f.one("increase(c[1m] @ " + (PromFixture.T0 / 1000 + 60) + ")", 600)).isCloseTo(40, within(EPS));
    }

    @Test
    void rateOverASubquery() {
        // The subquery samples c every 15s on absolute multiples of 15s; rate sees the same points as c[1m].
        PromFixture f = new PromFixture().every("c", 15, 15, 10, 20, 30, 40);
        assertThat(f.one("rate(c[1m:15s])", 60)).isCloseTo(f.one("rate(c[1m])", 60), within(EPS));
        assertThat(f.one("max_over_time(rate(c[30s])[1m:15s])", 60)).isCloseTo(10.0 / 15, within(EPS));
    }
}
