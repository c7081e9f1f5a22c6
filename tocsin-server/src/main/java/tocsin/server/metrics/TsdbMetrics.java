package tocsin.server.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import tocsin.tsdb.SketchStats;
import tocsin.tsdb.TsdbStats;

import java.util.List;
import java.util.function.Supplier;

/**
 * The metric store's state on {@code /metrics}: one {@link TsdbStats} snapshot per scrape (it walks the head, so it
 * is taken once and every figure comes from the same moment). Counters count since the store opened, as Prometheus's
 * own {@code prometheus_tsdb_*} do. Thread-safe.
 */
public final class TsdbMetrics implements MultiCollector {
    private static final List<String> NAMES = List.of(
            "tocsin_tsdb_head_series", "tocsin_tsdb_head_chunks", "tocsin_tsdb_head_min_time_seconds",
            "tocsin_tsdb_head_max_time_seconds", "tocsin_tsdb_blocks", "tocsin_tsdb_block_bytes",
            "tocsin_tsdb_block_samples", "tocsin_tsdb_wal_bytes", "tocsin_tsdb_wal_last_fsync_seconds",
            "tocsin_tsdb_open_queriers", "tocsin_tsdb_maintenance_failing",
            "tocsin_tsdb_blocks_cut", "tocsin_tsdb_compactions", "tocsin_tsdb_checkpoints",
            "tocsin_tsdb_blocks_deleted", "tocsin_tsdb_series_removed", "tocsin_tsdb_corrupt_chunks",
            "tocsin_tsdb_sketch_head_series", "tocsin_tsdb_sketch_blocks", "tocsin_tsdb_sketch_block_bytes",
            "tocsin_tsdb_sketch_log_bytes", "tocsin_tsdb_sketch_maintenance_failing", "tocsin_tsdb_sketch_cuts",
            "tocsin_tsdb_sketch_compactions", "tocsin_tsdb_sketch_blocks_deleted",
            "tocsin_tsdb_sketch_corrupt_records");

    private final Supplier<TsdbStats> stats;
    private final Supplier<SketchStats> sketchStats;

    private TsdbMetrics(Supplier<TsdbStats> stats, Supplier<SketchStats> sketchStats) {
        this.stats = stats;
        this.sketchStats = sketchStats;
    }

    /** Registers the store's figures, samples' and distribution sketches', read at each scrape. */
    public static void register(PrometheusRegistry registry, Supplier<TsdbStats> stats,
                                Supplier<SketchStats> sketchStats) {
        registry.register(new TsdbMetrics(stats, sketchStats));
    }

    @Override
    public MetricSnapshots collect() {
        TsdbStats s = stats.get();
        SketchStats k = sketchStats.get();
        return MetricSnapshots.builder()
                .metricSnapshot(gauge("tocsin_tsdb_sketch_head_series", "Distribution series with sketches in memory",
                        k.headSeries()))
                .metricSnapshot(gauge("tocsin_tsdb_sketch_blocks", "Sketch blocks queries read", k.blocks()))
                .metricSnapshot(gauge("tocsin_tsdb_sketch_block_bytes", "Size of the sketch blocks", k.blockBytes()))
                .metricSnapshot(gauge("tocsin_tsdb_sketch_log_bytes", "Size of the sketch log and its checkpoint",
                        k.logBytes()))
                .metricSnapshot(gauge("tocsin_tsdb_sketch_maintenance_failing",
                        "1 when the last sketch cut, compaction or retention failed (see the log)",
                        k.lastMaintenanceError() == null ? 0 : 1))
                .metricSnapshot(counter("tocsin_tsdb_sketch_cuts", "Sketch ranges cut from memory into blocks",
                        k.cuts()))
                .metricSnapshot(counter("tocsin_tsdb_sketch_compactions", "Sketch blocks merged into larger ones",
                        k.compactions()))
                .metricSnapshot(counter("tocsin_tsdb_sketch_blocks_deleted", "Sketch blocks deleted by retention",
                        k.blocksDeleted()))
                .metricSnapshot(counter("tocsin_tsdb_sketch_corrupt_records",
                        "Sketch block records found unreadable and left out of results", k.corruptRecords()))
                .metricSnapshot(gauge("tocsin_tsdb_head_series", "Series in memory", s.headSeries()))
                .metricSnapshot(gauge("tocsin_tsdb_head_chunks", "Compressed chunks in memory", s.headChunks()))
                .metricSnapshot(gauge("tocsin_tsdb_head_min_time_seconds",
                        "Lower bound of the oldest sample in memory (NaN when empty)",
                        s.headMinTime() == Long.MAX_VALUE ? Double.NaN : s.headMinTime() / 1000.0))
                .metricSnapshot(gauge("tocsin_tsdb_head_max_time_seconds",
                        "Newest sample appended (NaN before the first)",
                        s.headMaxTime() == Long.MIN_VALUE ? Double.NaN : s.headMaxTime() / 1000.0))
                .metricSnapshot(gauge("tocsin_tsdb_blocks", "On-disk blocks queries read", s.blocks()))
                .metricSnapshot(gauge("tocsin_tsdb_block_bytes", "Size of the on-disk blocks", s.blockBytes()))
                .metricSnapshot(gauge("tocsin_tsdb_block_samples", "Samples in the on-disk blocks",
                        s.blockSamples()))
                .metricSnapshot(gauge("tocsin_tsdb_wal_bytes", "Size of the WAL's segments and checkpoint",
                        s.walBytes()))
                .metricSnapshot(gauge("tocsin_tsdb_wal_last_fsync_seconds",
                        "Duration of the last group commit's fsync (NaN before the first)",
                        s.lastWalSyncNanos() < 0 ? Double.NaN : s.lastWalSyncNanos() / 1e9))
                .metricSnapshot(gauge("tocsin_tsdb_open_queriers", "Queriers not closed yet", s.openQueriers()))
                .metricSnapshot(gauge("tocsin_tsdb_maintenance_failing",
                        "1 when the last block write, checkpoint, retention or compaction failed (see the log)",
                        s.lastMaintenanceError() == null ? 0 : 1))
                .metricSnapshot(counter("tocsin_tsdb_blocks_cut", "Blocks written from the head", s.blocksCut()))
                .metricSnapshot(counter("tocsin_tsdb_compactions", "Blocks merged into larger ones", s.compactions()))
                .metricSnapshot(counter("tocsin_tsdb_checkpoints", "WAL checkpoints written", s.checkpoints()))
                .metricSnapshot(counter("tocsin_tsdb_blocks_deleted", "Blocks deleted by retention or compaction",
                        s.blocksDeleted()))
                .metricSnapshot(counter("tocsin_tsdb_series_removed", "Idle series dropped from memory",
                        s.seriesRemoved()))
                .metricSnapshot(counter("tocsin_tsdb_corrupt_chunks",
                        "Block chunks found unreadable and left out of results", s.corruptChunks()))
                .build();
    }

    @Override
    public List<String> getPrometheusNames() {
        return NAMES;
    }

    static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.EMPTY).value(value).build())
                .build();
    }

    static CounterSnapshot counter(String name, String help, double value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.EMPTY).value(value)
                        .build())
                .build();
    }
}
