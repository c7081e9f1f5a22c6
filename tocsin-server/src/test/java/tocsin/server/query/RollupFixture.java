package tocsin.server.query;

import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.SketchBatch;
import tocsin.query.MetricSource;
import tocsin.query.Points;
import tocsin.query.SourceRollups;
import tocsin.query.SourceSeries;
import tocsin.query.TagFilter;
import tocsin.query.datadog.QueryResponse;
import tocsin.query.datadog.QuerySeries;
import tocsin.tsdb.AppendResult;
import tocsin.tsdb.MetricStore;
import tocsin.tsdb.Querier;
import tocsin.tsdb.ReadStats;
import tocsin.tsdb.RollupBounds;
import tocsin.tsdb.RollupData;
import tocsin.tsdb.SeriesData;
import tocsin.tsdb.SketchQuerier;
import tocsin.tsdb.TagMatcher;
import tocsin.tsdb.Tsdb;
import tocsin.tsdb.TsdbOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SortedSet;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A real TSDB in a temporary directory holding days of data that maintenance has cut and compacted (so the older
 * days have rollups), for comparing queries answered from rollups with the same queries answered from raw points:
 * {@code cpu{host:*}} gauges (two-decimal random walks), {@code requests{host:*}} cumulative COUNTERs with resets and
 * {@code hits{host:*}} COUNTs, a point every {@code step} to {@code step × 1.5} per series, at multiples of
 * {@code step / 2} from a midnight (so many lie exactly on bucket boundaries). With {@code gappy}, also
 * {@code temp{host:*}} gauges that pause for an hour now and then (a different hour per host) and, on {@code h0},
 * hold a NaN once a day or so.
 */
final class RollupFixture implements AutoCloseable {
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;
    static final long T0 = 1_700_006_400_000L; // a midnight, UTC

    final Path dir;
    final Tsdb tsdb;
    final long end;
    final CountingStore store;

    RollupFixture(long seed, int days, int hosts, long stepMillis) {
        this(seed, days, hosts, stepMillis, false);
    }

    RollupFixture(long seed, int days, int hosts, long stepMillis, boolean gappy) {
        try {
            dir = Files.createTempDirectory("tocsin-rollups");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        end = T0 + days * DAY;
        tsdb = Tsdb.open(TsdbOptions.of(dir).withClock(() -> Instant.ofEpochMilli(end)));
        store = new CountingStore(tsdb);
        Random random = new Random(seed);
        double[] cpu = new double[hosts];
        double[] requests = new double[hosts];
        long[] next = new long[hosts];
        MetricBatch batch = new MetricBatch();
        long nextMaintenance = T0 + DAY / 2;
        for (long t = T0; t < end; t += stepMillis / 2) {
            for (int h = 0; h < hosts; h++) {
                if (next[h] > t) {
                    continue;
                }
                next[h] = t + stepMillis + random.nextLong(stepMillis / 2);
                cpu[h] = Math.round((cpu[h] + random.nextGaussian()) * 100) / 100.0;
                requests[h] = random.nextInt(800) == 0 ? 0 : requests[h] + random.nextInt(50);
                batch.add(SeriesKey.of("cpu", "host:h" + h), MetricKind.GAUGE, t, cpu[h]);
                batch.add(SeriesKey.of("requests", "host:h" + h), MetricKind.COUNTER, t, requests[h]);
                batch.add(SeriesKey.of("hits", "host:h" + h), MetricKind.COUNT, t, random.nextInt(10));
                if (gappy && Math.floorMod(t / HOUR, 7 + h) != 0) {
                    double temp = h == 0 && random.nextInt(4000) == 0 ? Double.NaN : 20 + random.nextInt(1000) / 100.0;
                    batch.add(SeriesKey.of("temp", "host:h" + h), MetricKind.GAUGE, t, temp);
                }
            }
            if (batch.size() >= 3000) {
                append(batch);
                batch = new MetricBatch();
            }
            if (t >= nextMaintenance) {
                assertThat(tsdb.maintainNow()).isEmpty();
                nextMaintenance += DAY / 2;
            }
        }
        append(batch);
        assertThat(tsdb.maintainNow()).isEmpty();
    }

    private void append(MetricBatch batch) {
        assertThat(tsdb.append(batch).rejections()).isEmpty();
    }

    /** The same store, read without rollups: every series' points. */
    MetricSource withoutRollups() {
        return pointsOnly(new TsdbMetricSource(store));
    }

    /** {@code source} as a source that can only select series and read their points, each up front. */
    static MetricSource pointsOnly(MetricSource source) {
        return new MetricSource() {
            @Override
            public List<SourceSeries> select(String metric, TagFilter filter, long fromMillis, long toMillis) {
                return source.select(metric, filter, fromMillis, toMillis);
            }

            @Override
            public Points read(SourceSeries series, long fromMillis, long toMillis) {
                return source.read(series, fromMillis, toMillis);
            }

            @Override
            public List<String> metricNames(long fromMillis, long toMillis) {
                return source.metricNames(fromMillis, toMillis);
            }
        };
    }

    MetricSource withRollups() {
        return new TsdbMetricSource(store);
    }

    /** Same series, same timestamps, values equal up to float rounding (sums are added in another order). */
    static void assertSameAnswer(QueryResponse rollups, QueryResponse raw, String what) {
        assertThat(rollups.series()).as(what).hasSameSizeAs(raw.series());
        List<QuerySeries> a = rollups.series().stream().sorted(Comparator.comparing(s -> s.tagSet().toString()))
                .toList();
        List<QuerySeries> b = raw.series().stream().sorted(Comparator.comparing(s -> s.tagSet().toString()))
                .toList();
        for (int i = 0; i < a.size(); i++) {
            QuerySeries x = a.get(i);
            QuerySeries y = b.get(i);
            assertThat(x.tagSet()).as(what).isEqualTo(y.tagSet());
            assertThat(x.length()).as(what + " " + x.tagSet()).isEqualTo(y.length());
            for (int p = 0; p < x.length(); p++) {
                String point = what + " " + x.tagSet() + " at " + x.timestamp(p);
                assertThat(x.timestamp(p)).as(point).isEqualTo(y.timestamp(p));
                Double u = x.value(p);
                Double v = y.value(p);
                if (u == null || v == null || u.isNaN() || v.isNaN()) {
                    assertThat(u).as(point).isEqualTo(v);
                } else {
                    assertThat(u).as(point).isCloseTo(v, within(1e-9 * Math.max(1, Math.abs(v))));
                }
            }
        }
    }

    @Override
    public void close() {
        tsdb.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A store that adds up what its queriers read from disk ({@link Querier#stats()}), for the tests to compare. */
    static final class CountingStore implements MetricStore {
        private final MetricStore store;
        private final LongAdder chunks = new LongAdder();
        private final LongAdder bytes = new LongAdder();
        private final LongAdder rollupChunks = new LongAdder();

        CountingStore(MetricStore store) {
            this.store = store;
        }

        /** Chunks, bytes and rollup chunks read since the last reset, and resets the counts. */
        long[] takeCounts() {
            return new long[]{chunks.sumThenReset(), bytes.sumThenReset(), rollupChunks.sumThenReset()};
        }

        @Override
        public AppendResult append(MetricBatch batch) {
            return store.append(batch);
        }

        @Override
        public AppendResult appendSketches(SketchBatch batch) {
            return store.appendSketches(batch);
        }

        @Override
        public SketchQuerier sketchQuerier(long minMillis, long maxMillis) {
            return store.sketchQuerier(minMillis, maxMillis);
        }

        @Override
        public Querier querier(long minMillis, long maxMillis) {
            Querier q = store.querier(minMillis, maxMillis);
            return new Querier() {
                @Override
                public long minMillis() {
                    return q.minMillis();
                }

                @Override
                public long maxMillis() {
                    return q.maxMillis();
                }

                @Override
                public List<SeriesKey> series(String metricName, List<TagMatcher> matchers) {
                    return q.series(metricName, matchers);
                }

                @Override
                public Stream<SeriesData> select(String metricName, List<TagMatcher> matchers) {
                    return q.select(metricName, matchers);
                }

                @Override
                public Optional<SeriesData> read(SeriesKey key) {
                    return q.read(key);
                }

                @Override
                public Stream<RollupData> selectRollups(String metricName, List<TagMatcher> matchers,
                                                        long resolutionMillis) {
                    return q.selectRollups(metricName, matchers, resolutionMillis);
                }

                @Override
                public Stream<RollupData> selectRollups(String metricName, List<TagMatcher> matchers,
                                                        long resolutionMillis, RollupBounds bounds) {
                    return q.selectRollups(metricName, matchers, resolutionMillis, bounds);
                }

                @Override
                public Optional<RollupData> readRollup(SeriesKey key, long resolutionMillis) {
                    return q.readRollup(key, resolutionMillis);
                }

                @Override
                public ReadStats stats() {
                    return q.stats();
                }

                @Override
                public SortedSet<String> metricNames() {
                    return q.metricNames();
                }

                @Override
                public SortedSet<String> tagKeys(String metricName) {
                    return q.tagKeys(metricName);
                }

                @Override
                public SortedSet<String> tagValues(String metricName, String key) {
                    return q.tagValues(metricName, key);
                }

                @Override
                public void close() {
                    ReadStats s = q.stats();
                    chunks.add(s.chunks());
                    bytes.add(s.bytes());
                    rollupChunks.add(s.rollupChunks());
                    q.close();
                }
            };
        }
    }
}
