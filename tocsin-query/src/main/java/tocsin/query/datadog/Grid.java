package tocsin.query.datadog;

/**
 * The time buckets a query is evaluated on: {@code length} buckets of {@code intervalMillis}, the first starting at
 * {@code startMillis}. Buckets are aligned to Unix time (Datadog: "The start and end of rollup intervals are aligned
 * to UNIX time"), a point's timestamp is its bucket's start, and the grid covers the aligned bucket starts that fall
 * inside {@code [from, to]}: for {@code from=1623846101 s}, {@code to=1623932501 s} and 300 s buckets Datadog answers
 * 288 points from 1623846300 s to 1623932400 s, and so does this grid. A range shorter than one bucket that holds no
 * bucket start (a {@code .rollup(sum, 86400)} over an hour) gets the one bucket it lies in rather than nothing.
 */
record Grid(long startMillis, long intervalMillis, int length) {

    static Grid covering(long fromMillis, long toMillis, long intervalSeconds) {
        long interval = intervalSeconds * 1000;
        long start = Math.ceilDiv(fromMillis, interval) * interval;
        long last = Math.floorDiv(toMillis, interval) * interval;
        if (last < start && toMillis >= fromMillis) {
            start = last;
        }
        long n = last < start ? 0 : (last - start) / interval + 1;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("too many buckets: " + n);
        }
        return new Grid(start, interval, (int) n);
    }

    long timestamp(int i) {
        return startMillis + i * intervalMillis;
    }

    long intervalSeconds() {
        return intervalMillis / 1000;
    }

    /** The end of the last bucket, exclusive. */
    long endMillis() {
        return startMillis + length * intervalMillis;
    }
}
