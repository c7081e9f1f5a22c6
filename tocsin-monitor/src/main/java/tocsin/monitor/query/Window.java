package tocsin.monitor.query;

import java.time.Duration;

/**
 * A monitor evaluation window as Datadog writes it: {@code last_5m}, {@code last_4h}, {@code last_2d},
 * {@code last_1w}. Between one minute and one week. Immutable.
 *
 * @param amount how many units
 * @param unit   {@code m}, {@code h}, {@code d} or {@code w}
 */
public record Window(long amount, char unit) {
    static final Duration MAX = Duration.ofDays(7);

    public Window {
        if ("mhdw".indexOf(unit) < 0) {
            throw new IllegalArgumentException("window unit must be m, h, d or w: " + unit);
        }
        if (amount < 1 || duration(amount, unit).compareTo(MAX) > 0) {
            throw new IllegalArgumentException("window must be between last_1m and last_1w: last_" + amount + unit);
        }
    }

    public Duration duration() {
        return duration(amount, unit);
    }

    public long millis() {
        return duration().toMillis();
    }

    private static Duration duration(long amount, char unit) {
        long minutes = switch (unit) {
            case 'm' -> 1;
            case 'h' -> 60;
            case 'd' -> 1440;
            default -> 10080;
        };
        return amount > MAX.toMinutes() ? MAX.plusMinutes(1) : Duration.ofMinutes(amount * minutes);
    }

    @Override
    public String toString() {
        return "last_" + amount + unit;
    }
}
