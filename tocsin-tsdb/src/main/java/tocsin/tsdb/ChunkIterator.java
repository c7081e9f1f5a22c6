package tocsin.tsdb;

/**
 * Walks the samples of a chunk in order, without allocating per sample:
 * <pre>{@code
 * for (ChunkIterator it = chunk.iterator(); it.next(); ) use(it.timestamp(), it.value());
 * }</pre>
 * The chunk is decoded whole when the iterator is made ({@link Chunk#iterator()}): a chunk holds a few hundred samples
 * at most, and one decoder per encoding ({@link XorChunk#decode}, {@link DecimalChunk#decode}) serves every reader.
 * Not thread-safe; each reader makes its own.
 */
final class ChunkIterator {
    private final long[] times;
    private final double[] values;
    private final int count;
    private int at = -1;

    /** Walks the first {@code count} samples of the arrays. */
    ChunkIterator(long[] times, double[] values, int count) {
        this.times = times;
        this.values = values;
        this.count = count;
    }

    /** Every timestamp, decoded ({@code count} of them from index 0); not to be changed. */
    long[] times() {
        return times;
    }

    /** Every value, decoded, as {@link #times()}. */
    double[] values() {
        return values;
    }

    /** Moves to the next sample; false when there is none. */
    boolean next() {
        if (at + 1 >= count) {
            at = count;
            return false;
        }
        at++;
        return true;
    }

    long timestamp() {
        return times[at];
    }

    double value() {
        return values[at];
    }

    long valueBits() {
        return Double.doubleToRawLongBits(values[at]);
    }
}
