package tocsin.ingest.dogstatsd;

/** The metric types of the DogStatsD protocol, with their wire symbols. */
public enum DogStatsdType {
    /** {@code g}: the last value in the flush interval. */
    GAUGE("g"),
    /** {@code c}: values summed over the interval, each scaled by 1/sample rate. */
    COUNT("c"),
    /** {@code h}: statistics of the values in the interval (avg, count, median, max, percentiles). */
    HISTOGRAM("h"),
    /** {@code ms}: a histogram of durations in milliseconds. */
    TIMING("ms"),
    /** {@code s}: the number of distinct values in the interval. */
    SET("s"),
    /** {@code d}: a global distribution, sketched per context and interval (no summary series). */
    DISTRIBUTION("d");

    private final String symbol;

    DogStatsdType(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** The type written as {@code b[from, to)}, or null when it is none of the six. */
    static DogStatsdType of(byte[] b, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return switch (b[from]) {
                case 'g' -> GAUGE;
                case 'c' -> COUNT;
                case 'h' -> HISTOGRAM;
                case 's' -> SET;
                case 'd' -> DISTRIBUTION;
                default -> null;
            };
        }
        return n == 2 && b[from] == 'm' && b[from + 1] == 's' ? TIMING : null;
    }
}
