package tocsin.core.metric;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SketchTest {

    @Test
    void keepsExactSummaryAndApproximateQuantiles() {
        double[] values = new double[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i + 1; // 1..1000
        }
        Sketch s = Sketch.of(values);
        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.sum()).isEqualTo(500_500);
        assertThat(s.avg()).isEqualTo(500.5);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(1000);
        assertThat(s.quantile(0)).isEqualTo(1);
        assertThat(s.quantile(1)).isEqualTo(1000);
        assertThat(s.quantile(0.5)).isCloseTo(500, within(500 / 128.0));
        assertThat(s.quantile(0.95)).isCloseTo(950, within(950 / 128.0));
        assertThat(s.quantile(0.99)).isCloseTo(990, within(990 / 128.0));
    }

    @Test
    void weightsCountAsThatManyValues() {
        Sketch s = Sketch.builder().add(10, 2).add(20, 0.5).build(); // DogStatsD @0.5 and @2 (clamped upstream)
        assertThat(s.count()).isEqualTo(2.5);
        assertThat(s.sum()).isEqualTo(30);
    }

    @Test
    void emptySketchHasNoValues() {
        Sketch e = Sketch.empty();
        assertThat(e.isEmpty()).isTrue();
        assertThat(e.quantile(0.5)).isNaN();
        assertThat(e.avg()).isNaN();
        assertThat(Sketch.decode(e.encode())).isEqualTo(e);
        Sketch one = Sketch.of(3);
        assertThat(e.merge(one)).isSameAs(one);
        assertThat(one.merge(e)).isSameAs(one);
    }

    @Test
    void mergeLeavesBothSidesUnchanged() {
        Sketch a = Sketch.of(1, 2, 3);
        Sketch b = Sketch.of(100, 200);
        byte[] before = a.encode();
        Sketch m = a.merge(b);
        assertThat(a.encode()).isEqualTo(before);
        assertThat(m.count()).isEqualTo(5);
        assertThat(m.max()).isEqualTo(200);
        assertThat(m).isEqualTo(Sketch.of(1, 2, 3, 100, 200));
    }

    @Test
    void builderKeepsGoingAfterBuild() {
        Sketch.Builder b = Sketch.builder().add(1);
        Sketch first = b.build();
        b.add(5);
        assertThat(first.count()).isEqualTo(1);
        assertThat(b.build().count()).isEqualTo(2);
    }

    @Test
    void refusesValuesAndWeightsThatAreNotFinite() {
        assertThatThrownBy(() -> Sketch.of(Double.NaN)).hasMessageContaining("finite");
        assertThatThrownBy(() -> Sketch.of(Double.POSITIVE_INFINITY)).hasMessageContaining("finite");
        assertThatThrownBy(() -> Sketch.builder().add(1, 0)).hasMessageContaining("weights");
        assertThatThrownBy(() -> Sketch.builder().add(1, Double.NaN)).hasMessageContaining("weights");
        assertThatThrownBy(() -> Sketch.of(1).quantile(1.5)).hasMessageContaining("[0, 1]");
    }

    @Test
    void encodingIsCompact() {
        double[] latencies = new double[1000];
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = Math.pow(10, -3 + 3.0 * i / latencies.length); // 1 ms .. 1 s
        }
        assertThat(Sketch.of(latencies).encode().length).isLessThan(1024);
        assertThat(Sketch.of(0.25).encode().length).isLessThan(48);
    }

    @Test
    void decodeRefusesDamagedOrForeignBytes() {
        byte[] good = Sketch.of(1, 2, 3).encode();
        assertThatThrownBy(() -> Sketch.decode(new byte[5])).hasMessageContaining("at least");
        byte[] version = good.clone();
        version[0] = 9;
        assertThatThrownBy(() -> Sketch.decode(version)).hasMessageContaining("version 9");
        byte[] count = good.clone();
        count[2] = 0x10; // count 4 instead of 3: contradicts the bins
        assertThatThrownBy(() -> Sketch.decode(count)).hasMessageContaining("contradicts");
        byte[] cut = Arrays.copyOf(good, good.length - 1);
        assertThatThrownBy(() -> Sketch.decode(cut)).isInstanceOf(IllegalArgumentException.class);
        byte[] minMax = good.clone();
        System.arraycopy(good, 25, minMax, 17, 8); // min := max ...
        System.arraycopy(good, 17, minMax, 25, 8); // ... and max := min
        assertThatThrownBy(() -> Sketch.decode(minMax)).hasMessageContaining("contradicts");
    }

    @Test
    void anExactSummaryFromElsewhereReplacesTheBinsApproximation() {
        Sketch s = Sketch.builder().add(1.01, 2).add(9.9).build(12.0, 1.0, 10.0);
        assertThat(s.sum()).isEqualTo(12.0);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.quantile(1)).isEqualTo(10.0);
        assertThat(Sketch.decode(s.encode())).isEqualTo(s);
        assertThatThrownBy(() -> Sketch.builder().build(1, 1, 1)).hasMessageContaining("no values");
        assertThatThrownBy(() -> Sketch.builder().add(1).build(1, 2, 1)).hasMessageContaining("not a range");
    }

    @Test
    void aSumThatOverflowedInMergesStillRoundTrips() {
        Sketch huge = Sketch.of(1e308).merge(Sketch.of(1e308));
        assertThat(huge.sum()).isInfinite();
        assertThat(Sketch.decode(huge.encode())).isEqualTo(huge);
    }

    @Test
    void negativeAndZeroValues() {
        Sketch s = Sketch.of(-5, -1, 0, 0, 1, 5);
        assertThat(s.min()).isEqualTo(-5);
        assertThat(s.quantile(0.4)).isEqualTo(0); // rank 2 of 0..5
        assertThat(s.quantile(0.2)).isCloseTo(-1, within(1 / 128.0));
    }
}
