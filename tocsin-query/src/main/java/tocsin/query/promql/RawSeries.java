package tocsin.query.promql;

import java.util.Arrays;

/**
 * The samples of one series as read (or as a subquery produced them): ascending timestamps, values, parallel arrays.
 * Never modified after construction.
 */
record RawSeries(Labels labels, long[] timestamps, double[] values) {

    int size() {
        return timestamps.length;
    }

    /** The first index whose timestamp is after {@code t}. */
    int after(long t) {
        return after(timestamps, timestamps.length, t);
    }

    /** The first index in {@code [0, n)} of ascending {@code timestamps} whose timestamp is after {@code t}. */
    static int after(long[] timestamps, int n, long t) {
        int i = Arrays.binarySearch(timestamps, 0, n, t);
        if (i < 0) {
            return -i - 1;
        }
        while (i < n && timestamps[i] == t) {
            i++;
        }
        return i;
    }
}
