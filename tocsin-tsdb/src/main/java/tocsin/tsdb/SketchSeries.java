package tocsin.tsdb;

import tocsin.core.metric.SeriesKey;
import tocsin.core.metric.Sketch;

import java.util.Objects;

/**
 * The distribution sketches of one series over a querier's range: one {@link Sketch} per time bucket that received
 * values, ascending by bucket start.
 *
 * <p>Inside the store a bucket is kept as the sketch's bytes (a tenth to a twentieth of its size on the heap), so a
 * series read from memory or a block hands out its bytes, and each {@link #sketch(int)} decodes on first use; bytes
 * are decoded only where they were checked before (the log and blocks check sketches when they read them).
 *
 * <p>Thread-safe: the sketches are immutable, and a lazily decoded one may be decoded twice by racing readers, with
 * equal results.
 */
public final class SketchSeries {
    private final SeriesKey key;
    private final long[] timestamps;
    private final Sketch[] sketches;
    private final byte[][] bytes;

    /** From sketches; takes the arrays as they are (callers hand over fresh arrays and keep no reference). */
    SketchSeries(SeriesKey key, long[] timestamps, Sketch[] sketches) {
        this(key, timestamps, sketches, null);
    }

    /** Sketches, bytes, or both (an entry of {@code sketches} may be null where {@code bytes} has it). */
    SketchSeries(SeriesKey key, long[] timestamps, Sketch[] sketches, byte[][] bytes) {
        int n = sketches != null ? sketches.length : bytes.length;
        if (timestamps.length != n) {
            throw new IllegalArgumentException(timestamps.length + " timestamps for " + n + " sketches");
        }
        this.key = Objects.requireNonNull(key, "key");
        this.timestamps = timestamps;
        this.sketches = sketches != null ? sketches : new Sketch[n];
        this.bytes = bytes;
    }

    /** From the bytes of checked sketches ({@link Sketch#encode()}); takes the arrays as they are. */
    static SketchSeries ofEncoded(SeriesKey key, long[] timestamps, byte[][] encoded) {
        return new SketchSeries(key, timestamps, null, encoded);
    }

    public SeriesKey key() {
        return key;
    }

    /** The number of buckets. */
    public int size() {
        return timestamps.length;
    }

    public boolean isEmpty() {
        return timestamps.length == 0;
    }

    /** The start of bucket {@code i}, Unix milliseconds. */
    public long timestamp(int i) {
        return timestamps[i];
    }

    public Sketch sketch(int i) {
        Sketch s = sketches[i];
        if (s == null) {
            s = Sketch.decode(bytes[i]);
            sketches[i] = s;
        }
        return s;
    }

    /** The bytes of bucket {@code i}'s sketch, without decoding when the series was read as bytes. */
    byte[] encoded(int i) {
        return bytes != null ? bytes[i] : sketches[i].encode();
    }

    /** Buckets {@code [from, to)} of this series. */
    SketchSeries slice(int from, int to) {
        long[] t = java.util.Arrays.copyOfRange(timestamps, from, to);
        if (bytes != null) {
            return new SketchSeries(key, t, null, java.util.Arrays.copyOfRange(bytes, from, to));
        }
        return new SketchSeries(key, t, java.util.Arrays.copyOfRange(sketches, from, to), null);
    }

    @Override
    public String toString() {
        return key + "[" + timestamps.length + " buckets]";
    }
}
