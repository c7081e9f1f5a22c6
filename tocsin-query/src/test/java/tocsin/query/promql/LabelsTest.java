package tocsin.query.promql;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import tocsin.core.metric.SeriesKey;

import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A series key read as Prometheus labels: {@code name:value} tags become labels sorted by name, a name's first value
 * in the key's tag order wins, bare tags and tags with an empty name or value are not labels, and {@code __name__} is
 * always the metric's name. Checked against a sorted map built the obvious way.
 */
class LabelsTest {

    @Property(tries = 500)
    void aKeyReadsAsItsSortedLabels(@ForAll("names") String metric, @ForAll("tags") List<String> tags) {
        SeriesKey key = SeriesKey.of(metric, tags);
        TreeMap<String, String> expected = new TreeMap<>();
        for (int i = 0; i < key.tagCount(); i++) {
            String tag = key.tag(i);
            int colon = tag.indexOf(':');
            if (colon > 0 && colon < tag.length() - 1) {
                expected.putIfAbsent(tag.substring(0, colon), tag.substring(colon + 1));
            }
        }
        expected.put(Labels.METRIC_NAME, metric);

        Labels labels = Labels.of(key);

        assertThat(labels).isEqualTo(Labels.of(expected));
        assertThat(labels.size()).isEqualTo(expected.size());
        expected.forEach((name, value) -> assertThat(labels.get(name)).isEqualTo(value));
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("abc_.").ofMinLength(1).ofMaxLength(6);
    }

    @Provide
    Arbitrary<List<String>> tags() {
        Arbitrary<String> part = Arbitraries.strings().withChars("aAbB_-:.0").ofMaxLength(4);
        Arbitrary<String> tag = Arbitraries.oneOf(part.filter(s -> !s.isEmpty()),
                Combinators.combine(part, part).as((n, v) -> n + ":" + v),
                Arbitraries.of("__name__:other", "host:a", "host:b", "job:x"));
        return tag.list().ofMaxSize(8);
    }
}
