package tocsin.tsdb;

/** Millisecond arithmetic that saturates instead of wrapping, for ranges near the ends of a long. Stateless. */
final class TimeRanges {
    private TimeRanges() {
    }

    /** The multiple of {@code range} at or before {@code t}, or MIN_VALUE when it would underflow. */
    static long alignDown(long t, long range) {
        long m = Math.floorMod(t, range);
        return t - m > t ? Long.MIN_VALUE : t - m;
    }

    static long add(long t, long d) {
        long r = t + d;
        return ((t ^ r) & (d ^ r)) < 0 ? (d > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
    }

    static long subtract(long t, long d) {
        return d == Long.MIN_VALUE ? add(add(t, Long.MAX_VALUE), 1) : add(t, -d);
    }

    /** Whether {@code to - from > span} (false when {@code to < from}), without overflowing. */
    static boolean longerThan(long from, long to, long span) {
        if (to < from) {
            return false;
        }
        long d = to - from;
        return d < 0 || d > span; // negative: the true distance overflowed a long
    }
}
