package tocsin.tsdb;

/**
 * What a {@link Querier} has read from its blocks: chunks of raw samples and chunks of rollups
 * ({@code docs/format/block-rollups.md}: one rollup chunk is the streams of all its aggregates), and their bytes.
 * The head, in memory, is not counted. Immutable.
 */
public record ReadStats(long rawChunks, long rawBytes, long rollupChunks, long rollupBytes) {
    public static final ReadStats NONE = new ReadStats(0, 0, 0, 0);

    public long chunks() {
        return rawChunks + rollupChunks;
    }

    public long bytes() {
        return rawBytes + rollupBytes;
    }
}
