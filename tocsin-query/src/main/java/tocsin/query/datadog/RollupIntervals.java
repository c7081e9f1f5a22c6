package tocsin.query.datadog;

/**
 * The rollup interval of a query: the width of the time buckets its points stand for.
 *
 * <p><b>Default.</b> Datadog documents the interval the API uses for its standard time frames (Rollup page, "Rollup
 * interval: enforced vs custom", column "Rollup Interval, API"):
 *
 * <table>
 *   <caption>Datadog's documented API rollup intervals</caption>
 *   <tr><th>time frame</th><th>interval</th><th>points</th></tr>
 *   <tr><td>past hour</td><td>20 s</td><td>180</td></tr>
 *   <tr><td>past 4 hours</td><td>1 min</td><td>240</td></tr>
 *   <tr><td>past day</td><td>5 min</td><td>288</td></tr>
 *   <tr><td>past 2 days</td><td>10 min</td><td>288</td></tr>
 *   <tr><td>past week</td><td>1 h</td><td>168</td></tr>
 *   <tr><td>past month</td><td>4 h</td><td>180-186</td></tr>
 * </table>
 *
 * and elsewhere says the backend "tries to keep the number of intervals to a number below ~300". One rule reproduces
 * every row: <em>the smallest interval of the {@link #LADDER} that gives at most 300 buckets over the range</em>. The
 * ladder's steps are the ones the table uses plus the round values between them that the table does not rule out
 * (30 min would give a week 336 buckets, 2 h a month 360, so both are skipped by the 300 rule, as the table demands).
 * Ranges beyond the ladder use whole days.
 *
 * <p><b>Custom.</b> {@code .rollup(agg, seconds)} is honoured while it gives at most 1500 buckets (the current
 * documentation: "up to a limit of 1500 points"); a finer request is coarsened to the smallest ladder step at least as
 * wide that fits.
 */
final class RollupIntervals {
    static final long[] LADDER = {1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14_400, 28_800,
            43_200, 86_400, 172_800, 604_800};
    static final int DEFAULT_POINTS = 300;
    static final int MAX_POINTS = 1500;

    private RollupIntervals() {
    }

    /** Datadog's default interval, in seconds, for a range of this length. */
    static long defaultSeconds(long rangeMillis) {
        return smallestFitting(1, rangeMillis, DEFAULT_POINTS);
    }

    /** The interval, in seconds, that a {@code .rollup(..., requested)} gets over a range of this length. */
    static long customSeconds(long requestedSeconds, long rangeMillis) {
        if (buckets(rangeMillis, requestedSeconds) <= MAX_POINTS) {
            return requestedSeconds;
        }
        return smallestFitting(requestedSeconds, rangeMillis, MAX_POINTS);
    }

    private static long smallestFitting(long atLeast, long rangeMillis, int maxPoints) {
        for (long s : LADDER) {
            if (s >= atLeast && buckets(rangeMillis, s) <= maxPoints) {
                return s;
            }
        }
        long days = Math.max(1, Math.ceilDiv(Math.ceilDiv(Math.max(rangeMillis, 1), 1000L), 86_400L * maxPoints));
        return Math.max(atLeast, days * 86_400);
    }

    private static long buckets(long rangeMillis, long seconds) {
        return Math.ceilDiv(Math.max(rangeMillis, 0), seconds * 1000);
    }
}
