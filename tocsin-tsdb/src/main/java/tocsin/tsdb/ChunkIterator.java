package tocsin.tsdb;

/**
 * Walks the samples of a chunk in order, without allocating per sample:
 * <pre>{@code
 * for (ChunkIterator it = chunk.iterator(); it.next(); ) use(it.timestamp(), it.value());
 * }</pre>
 * An XOR stream is decoded as it goes; a {@link DecimalChunk} is decoded whole up front (it is DEFLATE-compressed)
 * and walked from arrays. Not thread-safe; each reader makes its own.
 */
final class ChunkIterator {
    private final byte[] bytes;
    private final long[] decodedTimes;
    private final double[] decodedValues;
    private final int count;
    private int position; // in bits
    private int read;
    private long time;
    private long delta;
    private long valueBits;
    private int leading;
    private int trailing;

    ChunkIterator(byte[] bytes, int count) {
        this.bytes = bytes;
        this.count = count;
        this.decodedTimes = null;
        this.decodedValues = null;
    }

    /** Walks samples already decoded. */
    ChunkIterator(long[] times, double[] values, int count) {
        this.bytes = null;
        this.count = count;
        this.decodedTimes = times;
        this.decodedValues = values;
    }

    /** Moves to the next sample; false when there is none. */
    boolean next() {
        if (read == count) {
            return false;
        }
        if (decodedTimes != null) {
            time = decodedTimes[read];
            valueBits = Double.doubleToRawLongBits(decodedValues[read]);
            read++;
            return true;
        }
        switch (read) {
            case 0 -> {
                time = readBits(64);
                valueBits = readBits(64);
            }
            case 1 -> {
                delta = readTimeBucket();
                time += delta;
                readValue();
            }
            default -> {
                delta += readTimeBucket();
                time += delta;
                readValue();
            }
        }
        read++;
        return true;
    }

    long timestamp() {
        return time;
    }

    double value() {
        return Double.longBitsToDouble(valueBits);
    }

    long valueBits() {
        return valueBits;
    }

    private long readTimeBucket() {
        int width;
        if (readBit() == 0) {
            return 0;
        } else if (readBit() == 0) {
            width = 7;
        } else if (readBit() == 0) {
            width = 14;
        } else if (readBit() == 0) {
            width = 20;
        } else {
            return readBits(64);
        }
        long bits = readBits(width);
        // The writer used [-(2^(w-1) - 1), 2^(w-1)]: values above 2^(w-1) are negative.
        return bits > 1L << (width - 1) ? bits - (1L << width) : bits;
    }

    private void readValue() {
        if (readBit() == 0) {
            return;
        }
        if (readBit() == 1) {
            leading = (int) readBits(5);
            int significant = (int) readBits(6);
            if (significant == 0) {
                significant = 64;
            }
            trailing = 64 - leading - significant;
        }
        int significant = 64 - leading - trailing;
        valueBits ^= readBits(significant) << trailing;
    }

    private int readBit() {
        int bit = (bytes[position >>> 3] >>> (7 - (position & 7))) & 1;
        position++;
        return bit;
    }

    private long readBits(int n) {
        long result = 0;
        while (n > 0) {
            int available = 8 - (position & 7);
            int take = Math.min(available, n);
            int bits = ((bytes[position >>> 3] & 0xFF) >>> (available - take)) & ((1 << take) - 1);
            result = (result << take) | bits;
            position += take;
            n -= take;
        }
        return result;
    }
}
