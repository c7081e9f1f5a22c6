package tocsin.oncall;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * PagerDuty's {@code rendered_coverage_percentage}: covered time ÷ ({@code until − since}) × 100. PagerDuty documents
 * it only as a number ("the percentage of the time range covered by this layer") and its examples show values such
 * as {@code 37.5}, {@code 0} and {@code 100}, so Tocsin rounds half-up to two decimals, with one exception: a
 * window with any gap never shows {@code 100}, and one with any cover never shows {@code 0} (they show
 * {@code 99.99} and {@code 0.01}), so that a gap of a few seconds in a month stays visible as less than 100 %.
 * The exact figure is {@link Subschedule#coveredTime()}. Stateless, thread-safe.
 */
final class Coverage {
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final BigDecimal ALMOST_ALL = new BigDecimal("99.99");
    private static final BigDecimal ALMOST_NONE = new BigDecimal("0.01");

    private Coverage() {
    }

    static double percent(Duration covered, Duration window) {
        int cmp = covered.compareTo(window);
        if (cmp >= 0) {
            return 100.0;
        }
        if (covered.isZero()) {
            return 0.0;
        }
        BigDecimal exact = exactSeconds(covered).multiply(HUNDRED)
                .divide(exactSeconds(window), MathContext.DECIMAL64);
        BigDecimal shown = exact.setScale(2, RoundingMode.HALF_UP);
        if (shown.compareTo(HUNDRED) >= 0) {
            shown = ALMOST_ALL;
        } else if (shown.signum() == 0) {
            shown = ALMOST_NONE;
        }
        return shown.doubleValue();
    }

    private static BigDecimal exactSeconds(Duration d) {
        return BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9));
    }
}
