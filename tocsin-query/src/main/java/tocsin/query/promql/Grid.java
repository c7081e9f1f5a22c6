package tocsin.query.promql;

/**
 * The evaluation times of a query: {@code start}, {@code start + step}, ... up to {@code end}; an instant query is a
 * grid of one time. Every value the evaluator computes is an array over these steps.
 */
record Grid(long start, long end, long step) {

    Grid {
        if (end < start) {
            throw new IllegalArgumentException("end " + end + " before start " + start);
        }
        if (step <= 0 && end != start) {
            throw new IllegalArgumentException("step must be positive, was " + step);
        }
    }

    static Grid instant(long t) {
        return new Grid(t, t, 1);
    }

    int size() {
        return step <= 0 ? 1 : (int) ((end - start) / step) + 1;
    }

    long time(int i) {
        return start + i * step;
    }
}
