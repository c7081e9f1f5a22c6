package tocsin.ingest.dogstatsd;

import tocsin.core.metric.SeriesKey;

import java.util.Arrays;

/**
 * Remembers the {@link SeriesKey} built for a line's raw name and tag bytes, so that the thousandth
 * {@code page.views:1|c|#env:prod} costs a hash and a byte comparison instead of UTF-8 decoding, normalisation and
 * sorting. Direct-mapped: each raw context has one slot, and a colliding newcomer evicts the old entry. Memory is
 * bounded by the slot count; only contexts that built a valid key are cached.
 *
 * <p>Not thread-safe: owned by one parser.
 */
final class ContextCache {
    private final byte[][] raws;
    private final SeriesKey[] keys;
    private final int[] hashes;
    private final int mask;

    ContextCache(int slots) {
        int n = Integer.highestOneBit(Math.max(16, slots - 1) << 1);
        raws = new byte[n][];
        keys = new SeriesKey[n];
        hashes = new int[n];
        mask = n - 1;
    }

    /** The hash of the raw context: name, tags and origin byte ranges (an absent range is from == to). */
    static int hash(byte[] b, int ns, int ne, int ts, int te, int os, int oe) {
        int h = 1;
        for (int i = ns; i < ne; i++) {
            h = 31 * h + b[i];
        }
        h = 31 * h + '|';
        for (int i = ts; i < te; i++) {
            h = 31 * h + b[i];
        }
        h = 31 * h + '|';
        for (int i = os; i < oe; i++) {
            h = 31 * h + b[i];
        }
        return h ^ (h >>> 16);
    }

    SeriesKey get(int hash, byte[] b, int ns, int ne, int ts, int te, int os, int oe) {
        int slot = hash & mask;
        byte[] raw = raws[slot];
        if (raw == null || hashes[slot] != hash) {
            return null;
        }
        int nl = ne - ns;
        int tl = te - ts;
        int ol = oe - os;
        if (raw.length != nl + tl + ol + 2
                || !Arrays.equals(raw, 0, nl, b, ns, ne)
                || !Arrays.equals(raw, nl + 1, nl + 1 + tl, b, ts, te)
                || !Arrays.equals(raw, nl + tl + 2, raw.length, b, os, oe)) {
            return null;
        }
        return keys[slot];
    }

    void put(int hash, byte[] b, int ns, int ne, int ts, int te, int os, int oe, SeriesKey key) {
        int nl = ne - ns;
        int tl = te - ts;
        byte[] raw = new byte[nl + tl + (oe - os) + 2];
        System.arraycopy(b, ns, raw, 0, nl);
        raw[nl] = '|';
        System.arraycopy(b, ts, raw, nl + 1, tl);
        raw[nl + 1 + tl] = '|';
        System.arraycopy(b, os, raw, nl + tl + 2, oe - os);
        int slot = hash & mask;
        raws[slot] = raw;
        keys[slot] = key;
        hashes[slot] = hash;
    }
}
