package tocsin.tsdb;

import tocsin.core.metric.MetricKind;
import tocsin.core.metric.SampleBuffer;
import tocsin.core.metric.SeriesKey;

/**
 * The series a {@link Querier} selected, in key order, each decoded only when asked and into the caller's buffer:
 * how a query over a fleet reads ten thousand series on every core with one reused buffer per thread, instead of
 * decoding them all into fresh arrays up front ({@link Querier#select}).
 *
 * <p>The selection is judged by chunk bounds, as {@link Querier#series}: a series listed here may decode to no sample
 * in range. Thread-safe: any number of threads may decode at once, each into its own buffer. Valid while its querier
 * is open.
 */
public interface SeriesSelection {

    /** How many series were selected. */
    int size();

    /** The key of series {@code i}, in increasing key order. */
    SeriesKey key(int i);

    /**
     * Replaces what {@code buf} holds with the samples in range of series {@code i}, ascending by time, and returns
     * the series' kind.
     */
    MetricKind decodeInto(int i, SampleBuffer buf);
}
