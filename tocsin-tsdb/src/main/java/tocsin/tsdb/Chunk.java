package tocsin.tsdb;

/**
 * An immutable run of samples in one of the chunk encodings: {@link BlockFormat#XOR_ENCODING} ({@link XorChunk},
 * the head's, and the blocks' fallback; {@link #XOR_KEPT} in the head once compaction kept it) or
 * {@link BlockFormat#DECIMAL_ENCODING} ({@link DecimalChunk}: blocks, and the head's sealed chunks once compacted).
 * A sealed chunk owns its bytes; a snapshot of an open XOR chunk shares them with the chunk being appended to, which
 * never changes the bits a snapshot covers.
 *
 * @param minTime  the first sample's timestamp
 * @param maxTime  the last sample's timestamp
 * @param count    how many samples the stream holds
 * @param bytes    the encoded samples, possibly with unused capacity at the end; never modified through this record
 * @param encoding how {@code bytes} are encoded
 */
record Chunk(long minTime, long maxTime, int count, byte[] bytes, byte encoding) {
    /**
     * An XOR chunk of the head that {@link MemSeries#compactSealed} kept as it is (its values are no decimals, or
     * not fewer bytes so): read as XOR, never written (blocks re-encode what they are given), never offered again.
     */
    static final byte XOR_KEPT = -1;

    /** An XOR chunk. */
    Chunk(long minTime, long maxTime, int count, byte[] bytes) {
        this(minTime, maxTime, count, bytes, BlockFormat.XOR_ENCODING);
    }

    boolean overlaps(long min, long max) {
        return count > 0 && minTime <= max && maxTime >= min;
    }

    /**
     * Decodes the samples in {@code [min, max]} into {@code ts}/{@code vs} from index {@code n} on (the arrays have
     * room for {@link #count} more) and returns the new {@code n}: what a query reads.
     */
    int decodeInto(long min, long max, long[] ts, double[] vs, int n) {
        if (encoding != BlockFormat.DECIMAL_ENCODING) {
            return XorChunk.decode(bytes, count, min, max, ts, vs, n);
        }
        if (minTime >= min && maxTime <= max) { // the usual case: the whole chunk is in range
            DecimalChunk.decode(bytes, count, ts, vs, n);
            return n + count;
        }
        long[] times = new long[count];
        double[] values = new double[count];
        DecimalChunk.decode(bytes, count, times, values); // DEFLATE-compressed: only whole
        for (int i = 0; i < count && times[i] <= max; i++) {
            if (times[i] >= min) {
                ts[n] = times[i];
                vs[n++] = values[i];
            }
        }
        return n;
    }

    /** Every sample, decoded up front. */
    ChunkIterator iterator() {
        long[] times = new long[count];
        double[] values = new double[count];
        if (encoding == BlockFormat.DECIMAL_ENCODING) {
            DecimalChunk.decode(bytes, count, times, values);
        } else {
            XorChunk.decode(bytes, count, Long.MIN_VALUE, Long.MAX_VALUE, times, values, 0);
        }
        return new ChunkIterator(times, values, count);
    }
}
