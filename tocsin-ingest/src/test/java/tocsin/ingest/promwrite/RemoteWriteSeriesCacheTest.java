package tocsin.ingest.promwrite;

import com.google.protobuf.CodedOutputStream;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.SeriesHints;
import tocsin.core.metric.SeriesKey;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.IngestResult;
import tocsin.ingest.SeriesKeyCache;
import tocsin.ingest.TestProtos;
import tocsin.ingest.TokenStore;
import tocsin.ingest.TestProtos.PromSeries;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.NOW;
import static tocsin.ingest.Fixtures.points;
import static tocsin.ingest.promwrite.RemoteWriteDecoderTest.labels;

class RemoteWriteSeriesCacheTest {
    private static final long T = NOW.toEpochMilli() - 15_000;
    private final IngestLimits limits = IngestLimits.prometheus();

    private static final List<PromSeries> MIXED = List.of(
            new PromSeries(labels("__name__", "http_requests_total", "code", "200", "job", "api"),
                    new long[]{T - 15_000, T}, new double[]{10, 12}, 0, 0),
            PromSeries.of(labels("job", "api"), T, 1),
            PromSeries.of(labels("__name__", "a", "bad:name", "x"), T, 1),
            PromSeries.of(labels("__name__", "c", "v", "x".repeat(1100)), T, 1),
            new PromSeries(labels("__name__", "mixed", "job", "api"), new long[]{T}, new double[]{4}, 1, 0),
            PromSeries.of(labels("__name__", "temperature", "empty", "", "room", "b"), T, 21.5));

    private IngestResult decode(List<PromSeries> series, SeriesKeyCache cache) throws Exception {
        return RemoteWriteDecoder.decode(Snappy.compress(TestProtos.writeRequest(series, Map.of())), CLOCK, limits,
                RemoteWriteDecoder.DEFAULT_MAX_DECOMPRESSED_BYTES, cache);
    }

    @Test
    void aRequestDecodesTheSameWhetherItsSeriesComeFromTheCacheOrNot() throws Exception {
        IngestResult uncached = decode(MIXED, SeriesKeyCache.NONE);
        SeriesKeyCache cache = new SeriesKeyCache(1024, SeriesHints.NONE);
        IngestResult first = decode(MIXED, cache);
        IngestResult second = decode(MIXED, cache);
        for (IngestResult r : List.of(first, second)) {
            assertThat(points(r.batch())).isEqualTo(points(uncached.batch()));
            assertThat(r.rejections()).extracting(Object::toString)
                    .isEqualTo(uncached.rejections().stream().map(Object::toString).toList());
        }
        assertThat(cache.hits()).as("the three well-formed series, the second time").isEqualTo(3);
        assertThat(cache.misses()).as("every series with labels the first time, the refused ones again")
                .isEqualTo(MIXED.size() + 3);
    }

    @Test
    void keysAreHandedOutAsTheStoresOwnInstancesWithTheStoresHints() throws Exception {
        TokenStore store = new TokenStore();
        SeriesKeyCache cache = new SeriesKeyCache(1024, store);
        List<PromSeries> one = List.of(PromSeries.of(labels("__name__", "up", "job", "api"), T, 1));
        MetricBatch first = decode(one, cache).batch();
        assertThat(first.hint(0)).as("the store has no series yet").isNull();
        SeriesKey stored = SeriesKey.of("up", "job:api");
        Object token = new Object();
        store.keys.put(stored, stored); // the store admitted the series with its own instance
        store.tokens.put(stored, token);
        store.keyOfToken.put(token, stored);
        MetricBatch second = decode(one, cache).batch();
        assertThat(second.key(0)).isSameAs(stored).isEqualTo(first.key(0));
        assertThat(second.hint(0)).isSameAs(token);
        assertThat(decode(one, cache).batch().hint(0)).isSameAs(token);

        store.dropped.add(token); // the store dropped the series and admitted it again
        Object again = new Object();
        store.tokens.put(stored, again);
        store.keyOfToken.put(again, stored);
        assertThat(decode(one, cache).batch().hint(0)).as("a stale hint is resolved again").isSameAs(again);

        // dropped for good: no hint, and the key handed out is still the store's instance, not the decoder's copy
        // (which the entry let go of once it learned the store's, so that it does not stay on the heap beside it)
        store.dropped.add(again);
        store.tokens.remove(stored);
        MetricBatch gone = decode(one, cache).batch();
        assertThat(gone.hint(0)).isNull();
        assertThat(gone.key(0)).isSameAs(stored).isNotSameAs(first.key(0));
    }

    @Test
    void aSeriesTheCacheForgotButTheStoreHasGoesOutWithTheStoresKeyAndHint() throws Exception {
        TokenStore store = new TokenStore();
        SeriesKeyCache cache = new SeriesKeyCache(16, store); // far fewer slots than series: most are forgotten
        List<PromSeries> fleet = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fleet.add(PromSeries.of(labels("__name__", "node_load1", "instance", "host-" + i + ":9100"), T, i));
            store.admit(SeriesKey.of("node_load1", "instance:host-" + i + ":9100"));
        }
        MetricBatch b = decode(fleet, cache).batch();
        assertThat(cache.misses()).isGreaterThan(80);
        for (int i = 0; i < 100; i++) {
            SeriesKey stored = store.keys.get(b.key(i));
            assertThat(b.key(i)).as("the store's instance").isSameAs(stored);
            assertThat(b.hint(i)).isSameAs(store.tokens.get(stored));
        }
    }

    @Test
    void seriesWhoseHashesShareASlotAreAllRemembered() throws Exception {
        // 100 series in 1,024 slots: with one slot per hash, some two of them would almost surely share one and
        // evict each other on every request; four ways per set keep every one of them.
        SeriesKeyCache cache = new SeriesKeyCache(1024, SeriesHints.NONE);
        List<PromSeries> fleet = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fleet.add(PromSeries.of(labels("__name__", "node_load1", "instance", "host-" + i + ":9100"), T, i));
        }
        decode(fleet, cache);
        assertThat(cache.misses()).isEqualTo(100);
        for (int round = 0; round < 3; round++) {
            assertThat(decode(fleet, cache).acceptedPoints()).isEqualTo(100);
        }
        assertThat(cache.hits()).isEqualTo(300);
        assertThat(cache.misses()).isEqualTo(100);
    }

    @Test
    void seriesSentOnceThroughAFullCacheDoNotEvictTheSteadyOnes() throws Exception {
        // 100 steady series, then 2,000 that are sent once (a fleet churning), then the steady ones again. The churn
        // fills the free slots, and then evicts only at a second sighting, or when the doorkeeper takes a newcomer
        // for one seen before (at most one time in eight): most steady series are still remembered. Remembering
        // every newcomer evicted ~1,100 entries at random from 1,024 slots, two steady series in three.
        TokenStore store = new TokenStore();
        SeriesKeyCache cache = new SeriesKeyCache(1024, store);
        List<PromSeries> steady = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            steady.add(PromSeries.of(labels("__name__", "node_load1", "instance", "host-" + i + ":9100"), T, i));
        }
        decode(steady, cache);
        for (int i = 0; i < 2000; i++) {
            MetricBatch b = decode(List.of(PromSeries.of(labels("__name__", "job_duration_seconds", "run",
                    "run-" + i), T, i)), cache).batch();
            store.admit(b.key(0));
            if (i == 1999) {
                assertThat(decode(List.of(PromSeries.of(labels("__name__", "job_duration_seconds", "run",
                        "run-0"), T, i)), cache).batch().hint(0)).as("not remembered, still resolved by the store")
                        .isNotNull();
            }
        }
        long hit = cache.hits();
        decode(steady, cache);
        assertThat(cache.hits() - hit).isGreaterThanOrEqualTo(80);
    }

    @Test
    void labelsSplitBySamplesAreDecodedButNotRemembered() throws Exception {
        // TimeSeries { label __name__; sample; label job } — legal protobuf, unusual order.
        ByteArrayOutputStream ts = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(ts);
        out.writeByteArray(1, label("__name__", "up"));
        out.writeByteArray(2, sample(1, T));
        out.writeByteArray(1, label("job", "api"));
        out.flush();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        CodedOutputStream req = CodedOutputStream.newInstance(request);
        req.writeByteArray(1, ts.toByteArray());
        req.flush();
        SeriesKeyCache cache = new SeriesKeyCache(1024, SeriesHints.NONE);
        for (int i = 0; i < 2; i++) {
            IngestResult r = RemoteWriteDecoder.decode(Snappy.compress(request.toByteArray()), CLOCK, limits,
                    RemoteWriteDecoder.DEFAULT_MAX_DECOMPRESSED_BYTES, cache);
            assertThat(points(r.batch())).containsExactly("up{job:api} GAUGE " + T + " 1.0");
        }
        assertThat(cache.hits() + cache.misses()).isZero();
    }

    private static byte[] label(String name, String value) throws Exception {
        return message(o -> {
            o.writeString(1, name);
            o.writeString(2, value);
        });
    }

    private static byte[] sample(double v, long t) throws Exception {
        return message(o -> {
            o.writeDouble(1, v);
            o.writeInt64(2, t);
        });
    }

    private interface Fields {
        void write(CodedOutputStream o) throws Exception;
    }

    private static byte[] message(Fields fields) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        fields.write(o);
        o.flush();
        return b.toByteArray();
    }
}
