package tocsin.tsdb;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuerierTest {
    static final SeriesKey WEB1 = SeriesKey.of("http.requests", "host:web-1", "env:prod", "role:web", "canary");
    static final SeriesKey WEB2 = SeriesKey.of("http.requests", "host:web-2", "env:prod", "role:web", "role:api");
    static final SeriesKey DB1 = SeriesKey.of("http.requests", "host:db-1", "env:staging", "role:db");
    static final SeriesKey BARE = SeriesKey.of("http.requests", "host:lb-1");
    static final SeriesKey OTHER = SeriesKey.of("system.load.1", "host:web-1", "env:prod");

    private final Head head = new Head(0, 0);

    @BeforeEach
    void fill() {
        for (SeriesKey key : List.of(WEB1, WEB2, DB1, BARE, OTHER)) {
            MemSeries s = head.getOrCreate(key, MetricKind.COUNT);
            for (int i = 0; i < 10; i++) {
                head.append(s, 1000L * i, i);
            }
        }
    }

    @Test
    void prometheusMatchersKeepPrometheusSemantics() {
        assertSelects(List.of(new TagMatcher.Equal("env", "prod")), WEB1, WEB2);
        assertSelects(List.of(new TagMatcher.NotEqual("env", "prod")), BARE, DB1);
        assertSelects(List.of(new TagMatcher.Equal("env", "")), BARE);
        assertSelects(List.of(new TagMatcher.NotEqual("env", "")), DB1, WEB1, WEB2);
        assertSelects(List.of(new TagMatcher.Regex("host", "web-.*")), WEB1, WEB2);
        assertSelects(List.of(new TagMatcher.Regex("host", "web")), new SeriesKey[0]); // anchored
        assertSelects(List.of(new TagMatcher.Regex("env", "prod|")), BARE, WEB1, WEB2); // "" matches a missing key
        assertSelects(List.of(new TagMatcher.NotRegex("role", "web|db")), BARE);
        assertSelects(List.of(new TagMatcher.Equal("role", "api")), WEB2); // any of several values
    }

    @Test
    void datadogFiltersSelectByWholeTagsAndWildcards() {
        assertSelects(List.of(new TagMatcher.HasTag("canary")), WEB1);
        assertSelects(List.of(new TagMatcher.Glob("host:web-*")), WEB1, WEB2);
        assertSelects(List.of(new TagMatcher.Glob("*:staging")), DB1);
        assertSelects(List.of(new TagMatcher.Glob("host:??-1")), DB1, BARE);
        assertSelects(List.of(new TagMatcher.Not(new TagMatcher.Glob("host:web-*"))), BARE, DB1);
        assertSelects(List.of(new TagMatcher.HasKey("role"), new TagMatcher.MissingKey("canary")), DB1, WEB2);
        assertSelects(List.of(new TagMatcher.HasTag("env:prod"), new TagMatcher.Not(new TagMatcher.HasTag("canary"))),
                WEB2);
    }

    @Test
    void readsAreLimitedToTheRangeAndSeriesWithoutSamplesInItAreLeftOut() {
        try (Querier q = new HeadQuerier(head, 3000, 5000)) {
            SeriesData data = q.read(WEB1).orElseThrow();
            assertThat(data.timestamps()).containsExactly(3000, 4000, 5000);
            assertThat(data.values()).containsExactly(3, 4, 5);
            assertThat(data.kind()).isEqualTo(MetricKind.COUNT);
            assertThat(q.read(SeriesKey.of("nope"))).isEmpty();
            assertThat(q.select("http.requests", List.of()).map(SeriesData::key).toList())
                    .as("sorted by key").containsExactly(WEB1, WEB2, DB1, BARE);
        }
        try (Querier later = new HeadQuerier(head, 9001, 20_000)) {
            assertThat(later.series("http.requests", List.of())).isEmpty();
            assertThat(later.select("http.requests", List.of())).isEmpty();
        }
    }

    @Test
    void metricNamesTagKeysAndTagValuesAreListedSorted() {
        try (Querier q = new HeadQuerier(head, 0, 10_000)) {
            assertThat(q.metricNames()).containsExactly("http.requests", "system.load.1");
            assertThat(q.tagKeys("http.requests")).containsExactly("canary", "env", "host", "role");
            assertThat(q.tagValues("http.requests", "role")).containsExactly("api", "db", "web");
            assertThat(q.tagValues("http.requests", "canary")).containsExactly("");
            assertThat(q.tagKeys("system.load.1")).containsExactly("env", "host");
            assertThat(q.tagValues("missing", "env")).isEmpty();
        }
    }

    @Test
    void badMatchersFailWhereTheyAreBuilt() {
        assertThatThrownBy(() -> new TagMatcher.Regex("host", "web-(")).isInstanceOf(
                java.util.regex.PatternSyntaxException.class);
        assertThatThrownBy(() -> new TagMatcher.Equal("", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TagMatcher.Glob(null)).isInstanceOf(NullPointerException.class);
    }

    private void assertSelects(List<TagMatcher> matchers, SeriesKey... expected) {
        try (Querier q = new HeadQuerier(head, 0, 10_000)) {
            assertThat(q.series("http.requests", matchers)).as("%s", matchers)
                    .containsExactly(Arrays.stream(expected).sorted().toArray(SeriesKey[]::new));
        }
    }
}
