package tocsin.state;

import tocsin.core.metric.MetricMetadata;
import tocsin.core.metric.MetricMetadataStore;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@link MetricMetadataStore} on the {@code metric_metadata} table of migration V013, in portable SQL: an update
 * or a fill reads, merges and writes the row in one transaction. Thread-safe: no state besides the pool.
 */
final class SqlMetricMetadataStore implements MetricMetadataStore {
    private static final String COLUMNS = "type, statsd_interval, unit, per_unit, description, short_name, integration";

    private final Jdbc jdbc;
    private final InstantSource clock;

    SqlMetricMetadataStore(Jdbc jdbc, InstantSource clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public Optional<MetricMetadata> find(String metric) {
        return jdbc.queryOne("find metric metadata", "SELECT " + COLUMNS + " FROM metric_metadata WHERE name = ?",
                SqlMetricMetadataStore::read, metric);
    }

    @Override
    public MetricMetadata update(String metric, MetricMetadata changes) {
        return merge("update metric metadata", metric, current -> current.with(changes));
    }

    @Override
    public MetricMetadata fill(String metric, MetricMetadata defaults) {
        return merge("fill metric metadata", metric, defaults::with);
    }

    private MetricMetadata merge(String what, String metric, UnaryOperator<MetricMetadata> merging) {
        return jdbc.transaction(what, c -> {
            // The row first exists, then is locked (PostgreSQL; SQLite runs one writer at a time), then is read: two
            // updates of one metric merge one after the other instead of both from the same old row.
            Jdbc.update(c, "INSERT INTO metric_metadata (name, updated_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                    metric, clock.millis());
            Jdbc.update(c, "UPDATE metric_metadata SET updated_at = ? WHERE name = ?", clock.millis(), metric);
            MetricMetadata merged = Jdbc.one(c, "SELECT " + COLUMNS + " FROM metric_metadata WHERE name = ?",
                    SqlMetricMetadataStore::read, metric).map(merging).orElseThrow();
            Jdbc.update(c, "UPDATE metric_metadata SET type = ?, statsd_interval = ?, unit = ?, per_unit = ?, "
                    + "description = ?, short_name = ?, integration = ? WHERE name = ?", merged.type(),
                    merged.statsdInterval(), merged.unit(), merged.perUnit(), merged.description(),
                    merged.shortName(), merged.integration(), metric);
            return merged;
        });
    }

    private static MetricMetadata read(ResultSet rs) throws SQLException {
        int interval = rs.getInt(2);
        Integer statsdInterval = rs.wasNull() ? null : interval;
        return new MetricMetadata(rs.getString(1), statsdInterval, rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7));
    }
}
