package tocsin.tsdb;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A series read from several parts (blocks oldest first, then the head) is the union of their samples in time order,
 * and where parts overlap at a timestamp the later part's value wins: checked against a sorted map filled part by
 * part, for parts (each ascending, as chunks are) that follow each other, overlap, repeat or are empty.
 */
class MergePropertyTest {
    private static final SeriesKey KEY = SeriesKey.of("m", "host:a");

    @Property(tries = 400)
    void mergingPartsEqualsLastWriteWinsInTimeOrder(@ForAll("parts") List<List<Long>> parts) {
        List<long[]> times = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        TreeMap<Long, Double> expected = new TreeMap<>();
        for (int p = 0; p < parts.size(); p++) {
            List<Long> part = parts.get(p);
            long[] ts = new long[part.size()];
            double[] vs = new double[part.size()];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = part.get(i);
                vs[i] = p * 1000 + i; // which part and position a value came from
                expected.put(ts[i], vs[i]);
            }
            times.add(ts);
            values.add(vs);
        }

        SeriesData merged = StoreQuerier.merge(KEY, MetricKind.GAUGE, times, values);

        assertThat(merged.timestamps()).containsExactly(expected.keySet().stream().mapToLong(Long::longValue).toArray());
        assertThat(merged.values()).containsExactly(expected.values().stream().mapToDouble(Double::doubleValue)
                .toArray());
    }

    @Provide
    Arbitrary<List<List<Long>>> parts() {
        Arbitrary<List<Long>> overlapping = Arbitraries.longs().between(0, 60).set().ofMaxSize(25)
                .map(s -> s.stream().sorted().toList());
        Arbitrary<List<Long>> wide = Arbitraries.longs().between(0, 100_000).set().ofMaxSize(25)
                .map(s -> s.stream().sorted().toList());
        return Arbitraries.frequencyOf(Tuple.of(3, overlapping), Tuple.of(1, wide)).list().ofMaxSize(5);
    }
}
