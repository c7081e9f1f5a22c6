package tocsin.ingest;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits each decoder checks a payload against. The clock they are checked against is passed to each decoder
 * alongside, as an {@link java.time.InstantSource}.
 *
 * <p>Lengths count Unicode code points, as Datadog's "200 characters" does. A series over a limit is rejected as a
 * whole, with the item named, rather than silently truncated: a truncated tag would create a different series from
 * the one the sender meant.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxNameLength    longest metric name accepted
 * @param maxTagLength     longest tag ({@code key:value}, after normalisation) accepted
 * @param maxTagsPerSeries most distinct tags one series may carry
 * @param maxPast          how far behind the clock a point's timestamp may be
 * @param maxFuture        how far ahead of the clock a point's timestamp may be
 */
public record IngestLimits(int maxNameLength, int maxTagLength, int maxTagsPerSeries, Duration maxPast,
                           Duration maxFuture) {

    public IngestLimits {
        if (maxNameLength < 1 || maxTagLength < 1 || maxTagsPerSeries < 0) {
            throw new IllegalArgumentException("limits must be positive: name " + maxNameLength + ", tag "
                    + maxTagLength + ", tags per series " + maxTagsPerSeries);
        }
        Objects.requireNonNull(maxPast, "maxPast");
        Objects.requireNonNull(maxFuture, "maxFuture");
        if (maxPast.isNegative() || maxFuture.isNegative()) {
            throw new IllegalArgumentException("maxPast and maxFuture must not be negative");
        }
    }

    /**
     * Datadog's documented intake limits: names and tags up to 200 characters, at most 100 tags, points at most one
     * hour old and ten minutes ahead.
     */
    public static IngestLimits datadog() {
        return new IngestLimits(200, 200, 100, Duration.ofHours(1), Duration.ofMinutes(10));
    }

    /**
     * Limits for Prometheus remote write, OTLP and scrapes: as {@link #datadog()}, but label values (URLs, paths,
     * error texts) get 1024 characters, and points may be up to three hours old, so that a Prometheus whose
     * remote-write queue catches up after an outage (its WAL keeps at least two hours) is not refused. The store
     * still refuses what is older than its in-memory head.
     */
    public static IngestLimits prometheus() {
        return new IngestLimits(200, 1024, 100, Duration.ofHours(3), Duration.ofMinutes(10));
    }

    public IngestLimits withMaxPast(Duration past) {
        return new IngestLimits(maxNameLength, maxTagLength, maxTagsPerSeries, past, maxFuture);
    }

    public IngestLimits withMaxFuture(Duration future) {
        return new IngestLimits(maxNameLength, maxTagLength, maxTagsPerSeries, maxPast, future);
    }

    /** The window of acceptable timestamps around {@code nowMillis}; compute it once per request. */
    public TimeWindow window(long nowMillis) {
        return new TimeWindow(this, nowMillis);
    }
}
