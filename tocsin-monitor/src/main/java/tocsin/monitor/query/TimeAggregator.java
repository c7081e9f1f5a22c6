package tocsin.monitor.query;

import java.util.Arrays;

/**
 * How a metric monitor reduces a group's window to one value: {@code avg}, {@code sum}, {@code min}, {@code max}, or
 * {@code percentile(pNN)}. Immutable.
 *
 * @param kind       the reduction
 * @param percentile for {@link Kind#PERCENTILE}, in (0, 100]; else 0
 */
public record TimeAggregator(Kind kind, double percentile) {
    /** The reductions. */
    public enum Kind { AVG, SUM, MIN, MAX, PERCENTILE }

    public TimeAggregator {
        if (kind == Kind.PERCENTILE ? !(percentile > 0 && percentile <= 100) : percentile != 0) {
            throw new IllegalArgumentException("percentile out of range: " + percentile);
        }
    }

    public static TimeAggregator of(Kind kind) {
        return new TimeAggregator(kind, 0);
    }

    /** Reduces {@code n} values; NaN when there are none. The array may be reordered. */
    public double reduce(double[] values, int n) {
        if (n == 0) {
            return Double.NaN;
        }
        double acc = kind == Kind.MIN ? Double.POSITIVE_INFINITY : kind == Kind.MAX ? Double.NEGATIVE_INFINITY : 0;
        switch (kind) {
            case AVG, SUM -> {
                for (int i = 0; i < n; i++) {
                    acc += values[i];
                }
                return kind == Kind.AVG ? acc / n : acc;
            }
            case MIN -> {
                for (int i = 0; i < n; i++) {
                    acc = Math.min(acc, values[i]);
                }
                return acc;
            }
            case MAX -> {
                for (int i = 0; i < n; i++) {
                    acc = Math.max(acc, values[i]);
                }
                return acc;
            }
            default -> {
                Arrays.sort(values, 0, n);
                int rank = (int) Math.ceil(percentile / 100.0 * n);
                return values[Math.max(0, Math.min(n - 1, rank - 1))];
            }
        }
    }

    @Override
    public String toString() {
        return kind == Kind.PERCENTILE ? "percentile(p" + MonitorQuery.number(percentile) + ")"
                : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
