package tocsin.ingest;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class DatadogNamesTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "system.load.1|system.load.1",
            "Page.Views|Page.Views",                // metric names keep their case
            "my-metric name|my_metric_name",
            "my metric..x|my_metric..x",
            "a__b|a_b",
            "a_.b|a.b",
            "a._b|a.b",
            "a.#b|a.b",
            "trailing!|trailing",
            "123abc|abc",
            "_private.metric|private.metric",
            "caché.hits|cach.hits",
            "caché_x|cach_x",
            "'1234'|''",
            "'!!!'|''",
            "''|''"})
    void metricNames(String in, String out) {
        assertThat(DatadogNames.normalizeMetricName(in)).isEqualTo(out);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "env:prod|env:prod",
            "Env:Prod|env:prod",                    // tags are lower-cased
            "url:http://x.io/a-b_c.d|url:http://x.io/a-b_c.d",
            "env:staging:east|env:staging:east",    // the key is before the first colon
            "role web|role_web",
            "a  !!  b|a_b",
            "a__b|a_b",
            "a_b|a_b",
            "name:value!|name:value",               // a trailing run of invalid characters is dropped
            "name:value_|name:value",
            "1st:place|st:place",                   // tags start with a letter
            "_x|x",
            ":colon:start|:colon:start",
            "host:Web-1.Example.COM|host:web-1.example.com",
            "région:Île-de-France|région:île-de-france",
            "日本:東京|日本:東京",
            "emoji:🍣sushi|emoji:_sushi",
            "ΣΑΣ:x|σασ:x",
            "env:|env:",                            // a trailing colon is kept (not documented precisely)
            "'123'|''",
            "'!!'|''"})
    void tags(String in, String out) {
        assertThat(DatadogNames.normalizeTag(in)).isEqualTo(out);
    }

    @Property
    void metricNameNormalisationIsIdempotentAndClean(@ForAll("names") String s) {
        String once = DatadogNames.normalizeMetricName(s);
        assertThat(DatadogNames.normalizeMetricName(once)).isEqualTo(once);
        assertThat(DatadogNames.isNormalMetricName(once)).isTrue();
        assertThat(once).matches("([A-Za-z][A-Za-z0-9_.]*)?").doesNotContain("__", "_.", "._").doesNotEndWith("_");
    }

    @Property
    void tagNormalisationIsIdempotentAndClean(@ForAll("names") String s) {
        String once = DatadogNames.normalizeTag(s);
        assertThat(DatadogNames.normalizeTag(once)).isEqualTo(once);
        assertThat(once).doesNotContain("__").doesNotEndWith("_");
        if (!once.isEmpty()) {
            int first = once.codePointAt(0);
            assertThat(Character.isLetter(first) || first == ':').isTrue();
        }
        once.codePoints().forEach(cp -> assertThat(Character.isLetterOrDigit(cp) || "_-:./".indexOf(cp) >= 0)
                .as("code point %x in %s", cp, once).isTrue());
    }

    @Property
    void theFastPathAgreesWithTheSlowPath(@ForAll("names") String s) {
        // a string the fast check accepts must come back unchanged, and vice versa for ASCII
        if (DatadogNames.isNormalAsciiTag(s)) {
            assertThat(DatadogNames.normalizeTag(s)).isSameAs(s);
        }
        if (DatadogNames.isNormalMetricName(s)) {
            assertThat(DatadogNames.normalizeMetricName(s)).isSameAs(s);
        }
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcXYZ019_.:-/ #!é日🍣").ofMaxLength(20),
                Arbitraries.strings().all().ofMaxLength(12));
    }
}
