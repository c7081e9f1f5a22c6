package tocsin.monitor.query;

/** The comparison at the end of a metric monitor's query: the group is beyond a threshold when it holds. */
public enum Comparator {
    GT(">"), GE(">="), LT("<"), LE("<=");

    private final String symbol;

    Comparator(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** Whether {@code value} is beyond {@code threshold}. */
    public boolean test(double value, double threshold) {
        return switch (this) {
            case GT -> value > threshold;
            case GE -> value >= threshold;
            case LT -> value < threshold;
            case LE -> value <= threshold;
        };
    }

    /** Whether alerting means rising above the thresholds ({@code >}, {@code >=}). */
    public boolean above() {
        return this == GT || this == GE;
    }

    static Comparator ofSymbol(String s) {
        for (Comparator c : values()) {
            if (c.symbol.equals(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException(s);
    }
}
