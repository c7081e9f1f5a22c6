package tocsin.core.metric;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeriesKeyTest {

    @Property
    void identityIgnoresTagOrderAndDuplicates(@ForAll @Size(max = 12) List<@StringLength(max = 6) String> tags) {
        List<String> shuffled = new ArrayList<>(tags);
        Collections.shuffle(shuffled);
        shuffled.addAll(tags); // duplicates
        SeriesKey a = SeriesKey.of("m", tags);
        SeriesKey b = SeriesKey.of("m", shuffled);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.compareTo(b)).isZero();
        assertThat(a.tags()).containsExactlyElementsOf(new TreeSet<>(tags));
    }

    @Test
    void tagValuesSplitOnTheFirstColon() {
        SeriesKey k = SeriesKey.of("http.requests", "url:http://x", "env:prod", "canary", "envx:no");
        assertThat(k.tagValue("env")).contains("prod");
        assertThat(k.tagValue("url")).contains("http://x");
        assertThat(k.tagValue("canary")).isEmpty();
        assertThat(k.tagValue("missing")).isEmpty();
        assertThat(SeriesKey.tagKey("url:http://x")).isEqualTo("url");
        assertThat(SeriesKey.tagValueOf("url:http://x")).isEqualTo("http://x");
        assertThat(SeriesKey.tagKey("canary")).isEqualTo("canary");
        assertThat(k.toString()).isEqualTo("http.requests{canary,env:prod,envx:no,url:http://x}");
    }

    @Test
    void namesAreRequired() {
        assertThatThrownBy(() -> SeriesKey.of("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SeriesKey.of(null, "a")).isInstanceOf(NullPointerException.class);
        assertThat(SeriesKey.of("a").compareTo(SeriesKey.of("b"))).isNegative();
    }
}
