package tocsin.query.promql;

import tocsin.query.QueryExecutionException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the output of an operation step by step, series by labels. Two outputs with the same labels at the same
 * step are an error in PromQL (for example {@code rate({__name__=~"a|b"}[5m])} when a and b share their other labels,
 * since rate drops the name); the message is the caller's, Prometheus's wording for that operation. Not thread-safe.
 */
final class VectorBuilder {
    private final int steps;
    private final String duplicateMessage;
    private final Map<Labels, StepSeries> series = new HashMap<>();
    private final List<StepSeries> order = new ArrayList<>();

    VectorBuilder(int steps, String duplicateMessage) {
        this.steps = steps;
        this.duplicateMessage = duplicateMessage;
    }

    VectorBuilder(int steps) {
        this(steps, "vector cannot contain metrics with the same labelset");
    }

    /** The series for these labels, created empty on first use. */
    StepSeries series(Labels labels) {
        StepSeries s = series.get(labels);
        if (s == null) {
            s = new StepSeries(labels, steps);
            series.put(labels, s);
            order.add(s);
        }
        return s;
    }

    void add(Labels labels, int step, double value) {
        add(series(labels), step, value);
    }

    void add(StepSeries s, int step, double value) {
        if (s.present[step]) {
            throw new QueryExecutionException(duplicateMessage);
        }
        s.set(step, value);
    }

    /** Every series with at least one point, in order of first use. */
    List<StepSeries> build() {
        List<StepSeries> out = new ArrayList<>(order.size());
        for (StepSeries s : order) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
