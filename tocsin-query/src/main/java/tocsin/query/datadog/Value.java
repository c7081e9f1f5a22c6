package tocsin.query.datadog;

import java.util.List;

/** What an expression evaluates to: a constant, or a set of series on the grid. */
sealed interface Value {

    record Scalar(double value) implements Value {
    }

    record SeriesSet(List<Series> series) implements Value {
        public SeriesSet {
            series = List.copyOf(series);
        }
    }
}
