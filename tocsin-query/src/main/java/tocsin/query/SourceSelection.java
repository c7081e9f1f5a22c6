package tocsin.query;

import tocsin.core.metric.SampleBuffer;
import tocsin.core.metric.SeriesKey;

import java.util.List;

/**
 * The series a {@link MetricSource} selected, whose points are read only when asked, each into the caller's buffer:
 * what lets a query fold a fleet series by series on every core without holding every series' points at once.
 *
 * <p>Thread-safe: any number of threads may {@link #read} at once, each into its own buffer. Close it when done (a
 * store pins what it reads until then).
 */
public interface SourceSelection extends AutoCloseable {

    int size();

    /** The key of series {@code i}. */
    SeriesKey key(int i);

    /** Replaces what {@code into} holds with series {@code i}'s points in the selection's range, ascending by time. */
    void read(int i, SampleBuffer into);

    @Override
    void close();

    /** A selection over points already read, one {@link Points} per series. */
    static SourceSelection of(List<SourceSeries> series, List<Points> points) {
        if (series.size() != points.size()) {
            throw new IllegalArgumentException(series.size() + " series but " + points.size() + " point lists");
        }
        return new SourceSelection() {
            @Override
            public int size() {
                return series.size();
            }

            @Override
            public SeriesKey key(int i) {
                return series.get(i).key();
            }

            @Override
            public void read(int i, SampleBuffer into) {
                Points p = points.get(i);
                into.replaceWith(p.sharedTimestamps(), p.sharedValues(), p.size());
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
