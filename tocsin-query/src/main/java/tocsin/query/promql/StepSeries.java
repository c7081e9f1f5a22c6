package tocsin.query.promql;

/**
 * One series of an instant vector evaluated over a {@link Grid}: a value at each step where the series exists.
 * Absence is kept apart from the value because NaN is a legitimate sample value in PromQL. Mutable while the
 * evaluator builds it, then only read.
 */
final class StepSeries {
    final Labels labels;
    final double[] values;
    final boolean[] present;

    StepSeries(Labels labels, int steps) {
        this(labels, new double[steps], new boolean[steps]);
    }

    StepSeries(Labels labels, double[] values, boolean[] present) {
        this.labels = labels;
        this.values = values;
        this.present = present;
    }

    void set(int step, double v) {
        values[step] = v;
        present[step] = true;
    }

    /** The present points with their grid times. */
    RawSeries toRaw(Grid grid) {
        int n = 0;
        for (boolean p : present) {
            n += p ? 1 : 0;
        }
        long[] ts = new long[n];
        double[] vs = new double[n];
        int k = 0;
        for (int i = 0; i < present.length; i++) {
            if (present[i]) {
                ts[k] = grid.time(i);
                vs[k++] = values[i];
            }
        }
        return new RawSeries(labels, ts, vs);
    }

    boolean isEmpty() {
        for (boolean p : present) {
            if (p) {
                return false;
            }
        }
        return true;
    }
}
