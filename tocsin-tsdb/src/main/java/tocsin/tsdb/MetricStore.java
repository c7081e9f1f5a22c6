package tocsin.tsdb;

import tocsin.core.metric.MetricBatch;
import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.SketchBatch;

/**
 * Where metrics are kept: the interface the intake and the query engine are written against, owned by them and
 * implemented by {@link Tsdb}. Implementations are thread-safe.
 */
public interface MetricStore {

    /**
     * Appends a whole batch and returns only once the accepted points are durable: after a crash that follows the
     * return, every accepted point is still there. Per-point problems (out of order, kind conflict, series limit,
     * too far in the future) are reported in the result, never thrown, and do not hold back the other points.
     *
     * @throws TsdbWriteException when the batch could not be made durable; nothing in it may be assumed stored, and
     *                            the caller should answer with a retryable error (HTTP 503)
     */
    AppendResult append(MetricBatch batch);

    /**
     * The store's own instance of a key equal to {@code key}, or {@code key} when it holds none. Intakes that cache
     * keys across requests keep this instance, so that the store finds its series by identity, comparing no strings.
     */
    default SeriesKey canonicalKey(SeriesKey key) {
        return key;
    }

    /** A querier over the closed range {@code [minMillis, maxMillis]}. */
    Querier querier(long minMillis, long maxMillis);

    /**
     * Appends distribution points (sketches), durable when it returns, with per-point problems in the result as
     * for {@link #append}.
     *
     * @throws TsdbWriteException when the batch could not be made durable (answer with a retryable error)
     */
    AppendResult appendSketches(SketchBatch batch);

    /** A reader of distribution sketches over the closed range {@code [minMillis, maxMillis]}. */
    SketchQuerier sketchQuerier(long minMillis, long maxMillis);
}
