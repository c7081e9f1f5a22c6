package tocsin.query;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.SeriesKey;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TagFilterTest {
    private static final SeriesKey WEB1 = SeriesKey.of("m", "host:web-1", "env:prod", "canary", "path:/dev/loop0");
    private static final SeriesKey DB1 = SeriesKey.of("m", "host:db-1", "env:staging");

    @Test
    void termsMatchExactTagsAndWildcards() {
        assertThat(TagFilter.term("env:prod").matches(WEB1)).isTrue();
        assertThat(TagFilter.term("env:pro").matches(WEB1)).isFalse();
        assertThat(TagFilter.term("canary").matches(WEB1)).isTrue();
        assertThat(TagFilter.term("host:web-*").matches(WEB1)).isTrue();
        assertThat(TagFilter.term("host:web-*").matches(DB1)).isFalse();
        assertThat(TagFilter.term("host:*-1").matches(DB1)).isTrue();
        assertThat(TagFilter.term("env:*").matches(DB1)).isTrue();
        assertThat(TagFilter.term("path:/dev/loop*").matches(WEB1)).isTrue();
        assertThat(TagFilter.term("*")).isSameAs(TagFilter.any());
    }

    @Test
    void globMatchingBacktracks() {
        assertThat(TagFilter.Wildcard.globMatches("a*b*c", "aXbYbZc")).isTrue();
        assertThat(TagFilter.Wildcard.globMatches("a*b*c", "aXbYbZ")).isFalse();
        assertThat(TagFilter.Wildcard.globMatches("**", "")).isTrue();
        assertThat(TagFilter.Wildcard.globMatches("*x", "xxxx")).isTrue();
    }

    @Test
    void booleanCombinations() {
        TagFilter prodNotDb = new TagFilter.And(List.of(TagFilter.term("env:prod"),
                new TagFilter.Not(TagFilter.term("host:db-*"))));
        assertThat(prodNotDb.matches(WEB1)).isTrue();
        assertThat(prodNotDb.matches(DB1)).isFalse();
        TagFilter either = new TagFilter.Or(List.of(TagFilter.term("env:staging"), TagFilter.term("canary")));
        assertThat(either.matches(WEB1)).isTrue();
        assertThat(either.matches(DB1)).isTrue();
    }

    @Test
    void canonicalTextUsesCommasOnlyForTopLevelConjunctionsOfTerms() {
        TagFilter env = TagFilter.term("env:prod");
        TagFilter a = TagFilter.term("az:a");
        TagFilter b = TagFilter.term("az:b");
        assertThat(new TagFilter.And(List.of(env, new TagFilter.Not(a))).toString()).isEqualTo("env:prod,!az:a");
        assertThat(new TagFilter.And(List.of(env, new TagFilter.Or(List.of(a, b)))).toString())
                .isEqualTo("env:prod AND (az:a OR az:b)");
        assertThat(new TagFilter.Or(List.of(new TagFilter.And(List.of(env, a)), b)).toString())
                .isEqualTo("(env:prod AND az:a) OR az:b");
        assertThat(new TagFilter.Not(new TagFilter.Or(List.of(a, b))).toString()).isEqualTo("NOT (az:a OR az:b)");
        assertThat(TagFilter.any().toString()).isEqualTo("*");
    }
}
