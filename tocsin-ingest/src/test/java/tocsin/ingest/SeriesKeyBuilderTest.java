package tocsin.ingest;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.SeriesKey;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SeriesKeyBuilderTest {
    private final IngestLimits limits = new IngestLimits(20, 12, 3, Duration.ofHours(1), Duration.ofMinutes(10));

    @Test
    void datadogRulesNormaliseAndDropEmptyTags() {
        SeriesKey k = new SeriesKeyBuilder(limits, SeriesKeyBuilder.Rules.DATADOG)
                .name("My Metric", "metric").tag("Env:Prod", "tags", 0).tag("!!", "tags", 1)
                .tag("env:prod", "tags", 2).build();
        assertThat(k).isEqualTo(SeriesKey.of("My_Metric", "env:prod"));
    }

    @net.jqwik.api.Property(tries = 300)
    void theCacheNeverConfusesTwoSeriesWhosePartsRunTogether(
            @net.jqwik.api.ForAll @net.jqwik.api.constraints.Size(max = 4) java.util.List<
                    @net.jqwik.api.constraints.StringLength(max = 6) @net.jqwik.api.constraints.CharRange(
                            from = '\u0000', to = 'd') String> tagsA,
            @net.jqwik.api.ForAll @net.jqwik.api.constraints.Size(max = 4) java.util.List<
                    @net.jqwik.api.constraints.StringLength(max = 6) @net.jqwik.api.constraints.CharRange(
                            from = '\u0000', to = 'd') String> tagsB) {
        // Parts made of few characters, control characters among them (JSON allows "\u0003" in a tag), so that
        // different splits of the same characters are common: each series built through one shared cache gets the
        // key it gets without a cache, whatever was remembered before it.
        IngestLimits roomy = new IngestLimits(200, 200, 16, Duration.ofHours(1), Duration.ofMinutes(10));
        SeriesKeyCache cache = new SeriesKeyCache(64, tocsin.core.metric.SeriesHints.NONE);
        SeriesKeyBuilder cached = new SeriesKeyBuilder(roomy, SeriesKeyBuilder.Rules.VERBATIM, cache);
        SeriesKeyBuilder plain = new SeriesKeyBuilder(roomy, SeriesKeyBuilder.Rules.VERBATIM);
        for (int round = 0; round < 3; round++) {
            for (java.util.List<String> tags : java.util.List.of(tagsA, tagsB)) {
                cached.reset().name("m", "metric");
                plain.reset().name("m", "metric");
                for (int i = 0; i < tags.size(); i++) {
                    cached.tag(tags.get(i), "tags", i);
                    plain.tag(tags.get(i), "tags", i);
                }
                assertThat(cached.build()).isEqualTo(plain.build());
            }
        }
    }

    @Test
    void verbatimRulesKeepEverything() {
        SeriesKey k = new SeriesKeyBuilder(limits, SeriesKeyBuilder.Rules.VERBATIM)
                .name("http_requests_total", "labels[0]").tag("Path:/A B", "labels", 1).build();
        assertThat(k).isEqualTo(SeriesKey.of("http_requests_total", "Path:/A B"));
    }

    @Test
    void namesTheFieldThatBreaksARule() {
        SeriesKeyBuilder b = new SeriesKeyBuilder(limits, SeriesKeyBuilder.Rules.DATADOG);
        assertThat(b.reset().tag("a:b", "tags", 0).build()).isNull();
        assertThat(b.problemField() + ": " + b.problem()).isEqualTo("metric: is missing");

        assertThat(b.reset().name("", "metric").build()).isNull();
        assertThat(b.problem()).isEqualTo("must not be empty");

        assertThat(b.reset().name("123", "metric").build()).isNull();
        assertThat(b.problem()).isEqualTo("\"123\" has no ASCII letter to start a metric name with");

        assertThat(b.reset().name("a".repeat(21), "metric").build()).isNull();
        assertThat(b.problem()).endsWith("is 21 characters long, more than the limit of 20");

        assertThat(b.reset().name("m", "metric").tag("ok:1", "tags", 0).tag("k:" + "v".repeat(11), "tags", 1)
                .build()).isNull();
        assertThat(b.problemField()).isEqualTo("tags[1]");
        assertThat(b.problem()).isEqualTo("\"k:vvvvvvvvvvv\" is 13 characters long, more than the limit of 12");

        assertThat(b.reset().name("m", "metric").tag("h:" + "x".repeat(11), "host", -1).build()).isNull();
        assertThat(b.problemField()).isEqualTo("host");

        assertThat(b.reset().name("m", "metric").tag("a", "tags", 0).tag("b", "tags", 1).tag("c", "tags", 2)
                .tag("a", "tags", 3).build()).isNotNull(); // duplicates count once
        assertThat(b.reset().name("m", "metric").tag("a", "tags", 0).tag("b", "tags", 1).tag("c", "tags", 2)
                .tag("d", "tags", 3).build()).isNull();
        assertThat(b.problemField() + ": " + b.problem())
                .isEqualTo("tags: has 4 distinct tags, more than the limit of 3");
    }

    @Test
    void lengthsCountCodePoints() {
        SeriesKeyBuilder b = new SeriesKeyBuilder(limits, SeriesKeyBuilder.Rules.DATADOG);
        assertThat(b.reset().name("m", "metric").tag("日本:" + "東".repeat(9), "tags", 0).build()).isNotNull();
        assertThat(b.reset().name("m", "metric").tag("emoji:" + "🍣a".repeat(3), "tags", 0).build()).isNotNull();
    }
}
