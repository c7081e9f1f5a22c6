package tocsin.ingest;

/**
 * The timestamps a request may carry: from {@link IngestLimits#maxPast()} before the request's clock reading to
 * {@link IngestLimits#maxFuture()} after it, both ends inclusive. Computed once per request so the per-point check is
 * two comparisons.
 *
 * <p>Immutable and thread-safe.
 */
public final class TimeWindow {
    private final IngestLimits limits;
    private final long nowMillis;
    private final long earliest;
    private final long latest;

    TimeWindow(IngestLimits limits, long nowMillis) {
        this.limits = limits;
        this.nowMillis = nowMillis;
        this.earliest = saturatedSub(nowMillis, limits.maxPast().toMillis());
        this.latest = saturatedAdd(nowMillis, limits.maxFuture().toMillis());
    }

    public long nowMillis() {
        return nowMillis;
    }

    public boolean contains(long timestampMillis) {
        return timestampMillis >= earliest && timestampMillis <= latest;
    }

    /**
     * Why a timestamp outside the window is refused, showing it as the sender wrote it
     * ({@code timestamp 1700000000 is more than 1h in the past}).
     */
    public String problem(long timestampMillis, String shownAsSent) {
        if (timestampMillis < earliest) {
            return "timestamp " + shownAsSent + " is more than " + RejectionText.duration(limits.maxPast())
                    + " in the past";
        }
        return "timestamp " + shownAsSent + " is more than " + RejectionText.duration(limits.maxFuture())
                + " in the future";
    }

    private static long saturatedSub(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? Long.MIN_VALUE : r;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
