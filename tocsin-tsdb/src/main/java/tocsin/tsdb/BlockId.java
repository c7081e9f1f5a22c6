package tocsin.tsdb;

import java.util.Random;

/**
 * A block's identity: a ULID (48 bits of creation time in milliseconds, 80 random bits), written as 26 characters
 * of Crockford's base 32, so that directory names sort by creation time. Immutable.
 *
 * @param high the time and the first 16 random bits
 * @param low  the other 64 random bits
 */
record BlockId(long high, long low) implements Comparable<BlockId> {
    static final int BYTES = 16;
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    static BlockId create(long millis, Random random) {
        long time = millis & 0xFFFF_FFFF_FFFFL;
        return new BlockId(time << 16 | (random.nextInt() & 0xFFFF), random.nextLong());
    }

    /** The id a directory name spells, or null when the name is not a ULID. */
    static BlockId parse(String name) {
        if (name.length() != 26 || name.charAt(0) > '7') {
            return null;
        }
        long high = 0;
        long low = 0;
        for (int i = 0; i < 26; i++) {
            int v = indexOf(name.charAt(i));
            if (v < 0) {
                return null;
            }
            // Shift the 128-bit value (high:low) left by 5 and add v; the first character carries 3 bits.
            high = high << 5 | low >>> 59;
            low = low << 5 | v;
        }
        return new BlockId(high, low);
    }

    private static int indexOf(char c) {
        for (int i = 0; i < ALPHABET.length; i++) {
            if (ALPHABET[i] == c) {
                return i;
            }
        }
        return -1;
    }

    long millis() {
        return high >>> 16;
    }

    @Override
    public int compareTo(BlockId o) {
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    @Override
    public String toString() {
        char[] out = new char[26];
        long h = high;
        long l = low;
        for (int i = 25; i >= 0; i--) {
            out[i] = ALPHABET[(int) (l & 31)];
            l = l >>> 5 | h << 59;
            h >>>= 5;
        }
        return new String(out);
    }
}
