package tocsin.query.promql;

/**
 * Kahan-Neumaier compensated summation, as Prometheus 3 sums floats: {@code sum + inc} is the new sum and the
 * compensation collects what rounding lost; the result is {@code sum + compensation}. An infinite sum resets the
 * compensation, so infinities come out as infinities rather than NaN.
 */
final class Kahan {

    private Kahan() {
    }

    /** The compensation after adding {@code inc} to {@code sum}, where {@code t == sum + inc}. */
    static double compensation(double inc, double sum, double t, double c) {
        if (Double.isInfinite(t)) {
            return 0;
        }
        if (Math.abs(sum) >= Math.abs(inc)) {
            return c + ((sum - t) + inc);
        }
        return c + ((inc - t) + sum);
    }

    /** The compensated sum of {@code values[from..to)}. */
    static double sum(double[] values, int from, int to) {
        double sum = 0;
        double c = 0;
        for (int i = from; i < to; i++) {
            double t = sum + values[i];
            c = compensation(values[i], sum, t, c);
            sum = t;
        }
        return sum + c;
    }

    /**
     * The mean of {@code values[from..to)} as Prometheus 3's {@code avg_over_time} computes it: a compensated sum
     * divided by the count, switching to an incremental mean if the sum overflows.
     */
    static double mean(double[] values, int from, int to) {
        double sum = 0;
        double c = 0;
        double mean = 0;
        double count = 0;
        boolean incremental = false;
        for (int i = from; i < to; i++) {
            double f = values[i];
            count++;
            if (!incremental) {
                double t = sum + f;
                if (count == 1 || !Double.isInfinite(t)) {
                    c = compensation(f, sum, t, c);
                    sum = t;
                    continue;
                }
                incremental = true;
                mean = sum / (count - 1);
                c /= count - 1;
            }
            double q = (count - 1) / count;
            double inc = f / count;
            double base = q * mean;
            double t = base + inc;
            c = compensation(inc, base, t, q * c);
            mean = t;
        }
        return incremental ? mean + c : sum / count + c / count;
    }
}
