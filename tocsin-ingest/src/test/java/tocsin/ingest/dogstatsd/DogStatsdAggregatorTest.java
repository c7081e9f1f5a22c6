package tocsin.ingest.dogstatsd;

import org.junit.jupiter.api.Test;
import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;
import tocsin.core.event.Event;
import tocsin.ingest.IngestLimits;
import tocsin.ingest.ManualClock;
import tocsin.ingest.ServiceCheck;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static tocsin.ingest.Fixtures.bytes;
import static tocsin.ingest.Fixtures.points;
import static tocsin.ingest.Fixtures.utf8;

class DogStatsdAggregatorTest {
    /** 2026-11-24T00:00:00Z, a multiple of 10 s. */
    private static final Instant T0 = Instant.ofEpochSecond(1_795_478_400L);
    private static final long T0_MS = T0.toEpochMilli();

    private final ManualClock clock = new ManualClock(T0.plusSeconds(3));
    private final DogStatsdParser parser = new DogStatsdParser(clock, IngestLimits.datadog());

    /** Feeds a datagram through the parser into the aggregator, as the UDP listener will. */
    private static void feed(DogStatsdParser parser, DogStatsdAggregator agg, byte[] datagram) {
        parser.parse(datagram, 0, datagram.length, new DogStatsdSink() {
            @Override
            public void sample(SeriesKey key, DogStatsdType type, double value, double rate, long ts) {
                agg.sample(key, type, value, rate, ts);
            }

            @Override
            public void setMember(SeriesKey key, String member) {
                agg.setMember(key, member);
            }

            @Override
            public void serviceCheck(ServiceCheck check) {
            }

            @Override
            public void event(Event event) {
            }

            @Override
            public void rejected(Rejection rejection) {
                throw new AssertionError(rejection.toString());
            }
        });
    }

    @Test
    void aggregatesTheJavaClientsDatagramAsTheAgentWould() {
        DogStatsdAggregator agg = new DogStatsdAggregator(clock, AggregatorConfig.defaults());
        feed(parser, agg, bytes("dogstatsd/java-dogstatsd-client-4.4.5.datagram"));
        feed(parser, agg, bytes("dogstatsd/java-dogstatsd-client-4.4.5.datagram"));
        assertThat(agg.flush(T0.plusSeconds(9)).metrics().size()).isZero();   // the interval is still open
        DogStatsdAggregator.Flush flush = agg.flush(T0.plusSeconds(10));
        MetricBatch b = flush.metrics();
        long ts = T0_MS;
        assertThat(points(b)).containsExactlyInAnyOrder(
                "smoke.g{a:b,env:test} GAUGE " + ts + " 42.5",
                "smoke.c{env:test,x:y} RATE " + ts + " 1.2",      // 2 × 3 / 0.5 = 12 in 10 s
                "smoke.h.max{env:test} GAUGE " + ts + " 12.0",
                "smoke.h.median{env:test} GAUGE " + ts + " 12.0",
                "smoke.h.avg{env:test} GAUGE " + ts + " 12.0",
                "smoke.h.count{env:test} RATE " + ts + " 0.2",
                "smoke.h.95percentile{env:test} GAUGE " + ts + " 12.0");
        // the distribution is one sketch for the interval, not summary series
        assertThat(flush.sketches().entries()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo(SeriesKey.of("smoke.d", "env:test"));
            assertThat(e.timestampMillis()).isEqualTo(ts);
            assertThat(e.sketch()).isEqualTo(Sketch.of(1.25, 1.25));
        });
        // every metric's type, as the Agent submits it: counts as rates over the 10 s flush
        assertThat(flush.declared()).containsEntry("smoke.c", MetricMetadata.declared("rate", 10))
                .containsEntry("smoke.h.count", MetricMetadata.declared("rate", 10))
                .containsEntry("smoke.g", MetricMetadata.declared("gauge", null))
                .containsEntry("smoke.h.avg", MetricMetadata.declared("gauge", null))
                .containsEntry("smoke.d", MetricMetadata.declared("distribution", null));
        assertThat(flush.asIngest().declared()).isEqualTo(flush.declared());
        assertThat(agg.flush(T0.plusSeconds(30)).metrics().size()).isZero();
    }

    @Test
    void intervalsCloseOneByOneAndAreStampedWithTheirStart() {
        DogStatsdAggregator agg = new DogStatsdAggregator(clock, AggregatorConfig.defaults());
        feed(parser, agg, utf8("c:1|c\ng:1|g"));
        clock.set(T0.plusSeconds(12));
        feed(parser, agg, utf8("c:2|c\ng:2|g\ng:3|g"));
        assertThat(points(agg.flush(T0.plusSeconds(15)).metrics())).containsExactlyInAnyOrder(
                "c{} RATE " + T0_MS + " 0.1", "g{} GAUGE " + T0_MS + " 1.0");
        assertThat(points(agg.flush(T0.plusSeconds(20)).metrics())).containsExactlyInAnyOrder(
                "c{} RATE " + (T0_MS + 10_000) + " 0.2", "g{} GAUGE " + (T0_MS + 10_000) + " 3.0");
    }

    @Test
    void aSampleForAnIntervalAlreadyFlushedJoinsTheNextOne() {
        DogStatsdAggregator agg = new DogStatsdAggregator(clock, AggregatorConfig.defaults());
        feed(parser, agg, utf8("c:1|c"));
        agg.flush(T0.plusSeconds(10)).metrics();          // the scheduler ran a little early by this clock
        feed(parser, agg, utf8("c:5|c"));       // the clock still reads T0 + 3 s
        assertThat(points(agg.flush(T0.plusSeconds(20)).metrics())).containsExactly("c{} RATE " + (T0_MS + 10_000) + " 0.5");
    }

    @Test
    void timestampedSamplesBypassTheIntervals() {
        DogStatsdAggregator agg = new DogStatsdAggregator(clock, AggregatorConfig.defaults());
        long ts = T0.getEpochSecond() - 30;
        feed(parser, agg, utf8("c:1:2|c|@0.5|T" + ts + "\nc:3|c|@0.5|T" + ts + "\ng:1|g|T" + ts + "\ng:7|g|T" + ts));
        assertThat(points(agg.flush(T0.plusSeconds(4)).metrics())).containsExactly(
                "c{} RATE " + ts * 1000 + " 1.2", "g{} GAUGE " + ts * 1000 + " 7.0");
        assertThat(agg.flush(T0.plusSeconds(5)).metrics().size()).isZero();
    }

    @Test
    void setsCountDistinctMembers() {
        DogStatsdAggregator agg = new DogStatsdAggregator(clock,
                AggregatorConfig.defaults().withMaxSamplesPerContext(3));
        feed(parser, agg, utf8("u:alice|s\nu:bob|s\nu:alice|s\nu:carol|s\nu:dave|s\nu:bob|s"));
        assertThat(points(agg.flushAll().metrics())).containsExactly("u{} GAUGE " + T0_MS + " 3.0");
        assertThat(agg.droppedSamples()).isEqualTo(1);
    }

    @Test
    void boundsContextsPerIntervalAndCountsWhatItDrops() {
        DogStatsdAggregator agg = new DogStatsdAggregator(clock,
                AggregatorConfig.defaults().withMaxContextsPerInterval(2));
        feed(parser, agg, utf8("a:1|c\nb:1|c\nc:1|c\na:1|c\nd:1|g"));
        assertThat(agg.openContexts()).isEqualTo(2);
        assertThat(agg.droppedSamples()).isEqualTo(2);
        assertThat(points(agg.flushAll().metrics())).containsExactlyInAnyOrder(
                "a{} RATE " + T0_MS + " 0.2", "b{} RATE " + T0_MS + " 0.1");
        clock.advance(Duration.ofSeconds(10));
        feed(parser, agg, utf8("c:1|c"));         // a new interval has room again
        assertThat(agg.openContexts()).isEqualTo(1);
    }

    @Test
    void aSeriesKeepsTheTypeItStartedTheIntervalWith() {
        DogStatsdAggregator agg = new DogStatsdAggregator(clock, AggregatorConfig.defaults());
        feed(parser, agg, utf8("x:1|c\nx:5|g"));
        assertThat(agg.typeConflicts()).isEqualTo(1);
        assertThat(points(agg.flushAll().metrics())).containsExactly("x{} RATE " + T0_MS + " 0.1");
    }

    @Test
    void configurableAggregatesAndPercentiles() {
        DogStatsdAggregator agg = new DogStatsdAggregator(clock, AggregatorConfig.defaults()
                .withAggregates(EnumSet.of(AggregatorConfig.HistogramAggregate.MIN,
                        AggregatorConfig.HistogramAggregate.SUM))
                .withPercentiles(List.of(99, 50)));
        StringBuilder d = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            d.append("lat:").append(i).append("|ms\n");
        }
        feed(parser, agg, utf8(d.toString()));
        assertThat(points(agg.flushAll().metrics())).containsExactly(
                "lat.min{} GAUGE " + T0_MS + " 1.0",
                "lat.sum{} GAUGE " + T0_MS + " 5050.0",
                "lat.50percentile{} GAUGE " + T0_MS + " 50.0",
                "lat.99percentile{} GAUGE " + T0_MS + " 99.0");
    }

    @Test
    void pastTheSampleCapAReservoirKeepsPercentilesAndTheRestStaysExact() {
        DogStatsdAggregator agg = new DogStatsdAggregator(clock,
                AggregatorConfig.defaults().withMaxSamplesPerContext(1000));
        SeriesKey key = SeriesKey.of("lat");
        for (int i = 1; i <= 100_000; i++) {
            agg.sample(key, DogStatsdType.HISTOGRAM, i, 1, DogStatsdParser.NO_TIMESTAMP);
        }
        MetricBatch b = agg.flushAll().metrics();
        assertThat(value(b, "lat.count")).isEqualTo(10_000); // per second of the 10 s
        assertThat(value(b, "lat.avg")).isEqualTo(50_000.5);
        assertThat(value(b, "lat.max")).isEqualTo(100_000);
        assertThat(value(b, "lat.median")).isBetween(45_000.0, 55_000.0);
        assertThat(value(b, "lat.95percentile")).isBetween(93_000.0, 97_000.0);
    }

    @Test
    void flushingWhileAnotherThreadAddsLosesNothing() throws Exception {
        ManualClock moving = new ManualClock(T0);
        DogStatsdAggregator agg = new DogStatsdAggregator(moving,
                AggregatorConfig.defaults().withInterval(Duration.ofMillis(10)));
        SeriesKey key = SeriesKey.of("hits");
        AtomicBoolean done = new AtomicBoolean();
        double[] total = new double[1];
        Thread flusher = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                agg.flush(moving.instant()).metrics().forEach((k, kind, ts, v) -> total[0] += v * 0.01);
            }
        });
        for (int i = 0; i < 200_000; i++) {
            agg.sample(key, DogStatsdType.COUNT, 1, 1, DogStatsdParser.NO_TIMESTAMP);
            if (i % 100 == 0) {
                moving.advance(Duration.ofMillis(3));
            }
        }
        done.set(true);
        flusher.join();
        agg.flushAll().metrics().forEach((k, kind, ts, v) -> total[0] += v * 0.01); // per second of 10 ms
        assertThat(total[0]).isCloseTo(200_000, within(1e-6));
    }

    static double value(MetricBatch b, String name) {
        for (int i = 0; i < b.size(); i++) {
            if (b.key(i).name().equals(name)) {
                return b.value(i);
            }
        }
        throw new AssertionError("no " + name + " in " + points(b));
    }
}
