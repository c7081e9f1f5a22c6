package tocsin.ingest.datadog;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.SeriesHints;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.SeriesKeyCache;
import tocsin.ingest.TestProtos;
import tocsin.ingest.TestProtos.DdSeries;
import tocsin.ingest.TokenStore;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.points;
import static tocsin.ingest.Fixtures.utf8;

/** Datadog series keys remembered across requests by their name and tags as sent. */
class DatadogSeriesCacheTest {
    private final IngestLimits limits = IngestLimits.datadog();

    /** Good and bad series, names and tags that normalize, tags given in another order, v2 resources. */
    private static final String V2 = """
            {"series":[
              {"metric":"cpu.user","type":3,"points":[{"timestamp":1795509750,"value":1.5}],
               "resources":[{"name":"web-1","type":"host"}],"tags":["env:prod","Role:Web"]},
              {"metric":"cpu.user","type":3,"points":[{"timestamp":1795509750,"value":2.5}],
               "resources":[{"name":"web-1","type":"host"}],"tags":["Role:Web","env:prod"]},
              {"metric":"Bad Name!","type":3,"points":[{"timestamp":1795509750,"value":3}]},
              {"metric":"","type":3,"points":[{"timestamp":1795509750,"value":4}]},
              {"metric":"too.long","type":3,"points":[{"timestamp":1795509750,"value":5}],"tags":["%s"]},
              {"metric":"reqs","type":1,"points":[{"timestamp":1795509750,"value":7},{"timestamp":1795509755,"value":8}],
               "tags":["a:1","a:1","b:2"]}
            ]}""".formatted("t:" + "x".repeat(300));

    private IngestResult v2(SeriesKeyCache cache) throws Exception {
        return SeriesV2Decoder.decodeJson(utf8(V2), CLOCK, limits, cache);
    }

    @Test
    void aRequestDecodesTheSameWhetherItsKeysComeFromTheCacheOrNot() throws Exception {
        IngestResult uncached = v2(SeriesKeyCache.NONE);
        SeriesKeyCache cache = new SeriesKeyCache(1024, SeriesHints.NONE);
        for (int round = 0; round < 3; round++) {
            IngestResult r = v2(cache);
            assertThat(points(r.batch())).isEqualTo(points(uncached.batch()));
            assertThat(r.rejections()).isEqualTo(uncached.rejections());
            assertThat(r.rejectedItems()).isEqualTo(uncached.rejectedItems());
        }
        // four good identities ("Bad Name!" normalizes; the two orders of one key are two identities), each built
        // once and then found; the empty name and the overlong tag are refused, never remembered, built each time
        assertThat(uncached.rejections()).extracting(r -> r.item())
                .containsExactly("series[3].metric", "series[4].tags[0]");
        assertThat(cache.misses()).isEqualTo(4 + 2 * 3);
        assertThat(cache.hits()).isEqualTo(4 * 2);
    }

    @Test
    void theAgentsProtobufPayloadDecodesTheSameFromTheCache() throws Exception {
        byte[] body = TestProtos.metricPayload(List.of(
                new DdSeries("system.load.1", 3, List.of("env:prod", "Role:Web"), List.<String[]>of(
                        new String[]{"host", "web-1"}), List.<long[]>of(new long[]{1795509750}), List.of(0.5), 0, ""),
                new DdSeries("dogstatsd.packets", 1, List.of(), List.<String[]>of(new String[]{"host", ""}),
                        List.<long[]>of(new long[]{1795509750}), List.of(12.0), 10, "packet"),
                new DdSeries("Bad Name", 3, List.of("t:" + "x".repeat(300)), List.of(),
                        List.<long[]>of(new long[]{1795509750}), List.of(1.0), 0, "")));
        IngestResult uncached = SeriesV2Decoder.decodeProtobuf(body, CLOCK, limits);
        assertThat(uncached.rejections()).hasSize(1);
        SeriesKeyCache cache = new SeriesKeyCache(1024, SeriesHints.NONE);
        for (int round = 0; round < 3; round++) {
            IngestResult r = SeriesV2Decoder.decodeProtobuf(body, CLOCK, limits, cache);
            assertThat(points(r.batch())).isEqualTo(points(uncached.batch()));
            assertThat(r.rejections()).isEqualTo(uncached.rejections());
        }
        assertThat(cache.hits()).isEqualTo(2 * 2);
        assertThat(cache.misses()).isEqualTo(2 + 3);
    }

    @Test
    void v1AndV2ShareTheCacheAndHandOutTheStoresKeyWithItsHint() throws Exception {
        TokenStore store = new TokenStore();
        SeriesKeyCache cache = new SeriesKeyCache(1024, store);
        byte[] v1 = utf8("""
                {"series":[{"metric":"up","points":[[1795509750,1]],"host":"web-1","tags":["env:prod"]}]}""");
        MetricBatch first = SeriesV1Decoder.decode(v1, CLOCK, limits, cache).batch();
        assertThat(first.hint(0)).as("the store has no such series yet").isNull();
        SeriesKey stored = SeriesKey.of("up", "env:prod", "host:web-1");
        assertThat(first.key(0)).isEqualTo(stored);
        Object token = store.admit(stored);
        MetricBatch second = SeriesV1Decoder.decode(v1, CLOCK, limits, cache).batch();
        assertThat(second.key(0)).isSameAs(stored);
        assertThat(second.hint(0)).isSameAs(token);

        store.dropped.add(token); // dropped as idle and admitted again: the stale hint is resolved again
        Object again = store.admit(stored);
        assertThat(SeriesV1Decoder.decode(v1, CLOCK, limits, cache).batch().hint(0)).isSameAs(again);
    }
}
