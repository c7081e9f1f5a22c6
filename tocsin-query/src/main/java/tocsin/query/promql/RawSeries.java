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
        int i = Arrays.binarySearch(timestamps, t);
        if (i < 0) {
            return -i - 1;
        }
        while (i < timestamps.length && timestamps[i] == t) {
            i++;
        }
        return i;
    }
}
