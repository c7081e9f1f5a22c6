package tocsin.tsdb;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a block's {@code meta} file says about it ({@code docs/format/block-meta.md}). Immutable.
 *
 * @param id      the block's ULID, also its directory name
 * @param minTime the start of the time range the block covers, inclusive
 * @param maxTime the end of that range, exclusive: every sample is in [minTime, maxTime)
 * @param level   1 for a block cut from the head; one more than its sources for a compacted block
 * @param series  how many series the block holds
 * @param samples how many samples
 * @param chunks  how many chunks
 * @param parents the blocks this one was compacted from (empty for a cut): at open they are deleted if still there
 */
record BlockMeta(BlockId id, long minTime, long maxTime, int level, long series, long samples, long chunks,
                 List<BlockId> parents) {

    BlockMeta {
        parents = List.copyOf(parents);
    }

    boolean overlaps(long min, long max) {
        return minTime <= max && maxTime > min;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BlockFormat.HEADER_BYTES + 16 + 8 * 5 + 4 + 4 + 16 * parents.size() + 4);
        b.put(BlockFormat.header(BlockFormat.META_MAGIC));
        b.putLong(id.high()).putLong(id.low());
        b.putLong(minTime).putLong(maxTime);
        b.putInt(level);
        b.putLong(series).putLong(samples).putLong(chunks);
        b.putInt(parents.size());
        for (BlockId p : parents) {
            b.putLong(p.high()).putLong(p.low());
        }
        b.putInt(BlockFormat.crc(b, 0, b.position()));
        return b.array();
    }

    /** Parses a meta file; {@code path} names it in errors. */
    static BlockMeta decode(byte[] bytes, String path) throws BlockFormat.CorruptBlockException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < BlockFormat.HEADER_BYTES + 4 || b.getInt(0) != BlockFormat.META_MAGIC) {
            throw new BlockFormat.CorruptBlockException(path + " does not start with the block meta magic number");
        }
        checkVersion(bytes[4], path);
        int end = bytes.length - 4;
        if (b.getInt(end) != BlockFormat.crc(b, 0, end)) {
            throw new BlockFormat.CorruptBlockException(path + " fails its CRC");
        }
        BlockFormat.Reader r = new BlockFormat.Reader(b.limit(end), path, BlockFormat.HEADER_BYTES);
        BlockId id = new BlockId(r.i64(), r.i64());
        long min = r.i64();
        long max = r.i64();
        int level = r.u32();
        long series = r.i64();
        long samples = r.i64();
        long chunks = r.i64();
        int n = r.u32();
        if (n < 0 || n > (end - r.pos) / 16) {
            throw new BlockFormat.CorruptBlockException(path + " claims " + n + " parents");
        }
        List<BlockId> parents = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            parents.add(new BlockId(r.i64(), r.i64()));
        }
        if (r.pos != end || min >= max || level < 1) {
            throw new BlockFormat.CorruptBlockException(path + " is malformed (range [" + min + ", " + max
                    + "), level " + level + ", " + (end - r.pos) + " bytes left over)");
        }
        return new BlockMeta(id, min, max, level, series, samples, chunks, parents);
    }

    /** Refuses a newer format: the store does not open, nothing is touched. */
    static void checkVersion(byte version, String path) {
        if (version > BlockFormat.VERSION) {
            throw new TsdbOpenException(path + " has format version " + version + "; this build reads up to version "
                    + BlockFormat.VERSION + ". Run a newer Tocsin, or move the block directory aside to start "
                    + "without its data", null);
        }
    }
}
