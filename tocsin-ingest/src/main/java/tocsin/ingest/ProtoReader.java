package tocsin.ingest;

import com.google.protobuf.InvalidProtocolBufferException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over protobuf wire format in one byte array, for decoders on an intake's hot path: nested messages are
 * entered and left by moving an end bound ({@link #enter}, {@link #leave}) rather than by the limit stack of
 * protobuf-java's {@code CodedInputStream}, and every read is a bounds-checked access to the array, so a message of
 * a few fields costs a few dozen instructions. Positions are offsets in the array, so a decoder can remember where a
 * field's bytes lie and look at them again.
 *
 * <p>Everything the wire format allows is read: varints of up to ten bytes (an {@code int32} field's negative value
 * is ten bytes long), fixed 32- and 64-bit fields, length-delimited fields, and unknown fields of any of those types
 * are skipped. Groups (wire types 3 and 4, deprecated since proto2) are refused. Truncated or overlong input fails
 * with {@link InvalidProtocolBufferException} (an {@link java.io.IOException}), never an index exception.
 *
 * <p>Not thread-safe; one per message being decoded.
 */
public final class ProtoReader {
    public static final int WIRETYPE_VARINT = 0;
    public static final int WIRETYPE_FIXED64 = 1;
    public static final int WIRETYPE_LENGTH_DELIMITED = 2;
    public static final int WIRETYPE_FIXED32 = 5;

    private static final VarHandle LITTLE_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LITTLE_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);

    private final byte[] buf;
    private int pos;
    private int end;

    /** A reader of {@code buf[from, to)}. */
    public ProtoReader(byte[] buf, int from, int to) {
        if (from < 0 || to > buf.length || from > to) {
            throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of " + buf.length + " bytes");
        }
        this.buf = buf;
        this.pos = from;
        this.end = to;
    }

    /** A reader of the whole array. */
    public ProtoReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    /** The offset in the array of the next byte to read. */
    public int position() {
        return pos;
    }

    /** The field tag read next ({@code field << 3 | wire type}), or 0 at the end of the current message. */
    public int readTag() throws InvalidProtocolBufferException {
        if (pos >= end) {
            return 0;
        }
        long tag = readVarint64();
        if (tag >>> 3 == 0 || tag > 0xFFFF_FFFFL) {
            throw new InvalidProtocolBufferException("Protocol message contained an invalid tag (" + tag + ").");
        }
        return (int) tag;
    }

    /** A varint field as a 64-bit value ({@code int64}, {@code uint64}, {@code int32} and enum fields). */
    public long readVarint64() throws InvalidProtocolBufferException {
        int p = pos;
        if (p < end) {
            byte b = buf[p];
            if (b >= 0) { // one byte, the usual case for tags and lengths
                pos = p + 1;
                return b;
            }
        }
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= end) {
                throw truncated();
            }
            byte b = buf[p++];
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                pos = p;
                return result;
            }
        }
        throw new InvalidProtocolBufferException("CodedInputStream encountered a malformed varint.");
    }

    /** A varint field truncated to 32 bits, as protobuf reads {@code int32} and enum fields. */
    public int readVarint32() throws InvalidProtocolBufferException {
        return (int) readVarint64();
    }

    /** A {@code fixed64} field's bits (a {@code double}'s raw bits, little-endian on the wire). */
    public long readFixed64() throws InvalidProtocolBufferException {
        int p = pos;
        if (end - p < 8) {
            throw truncated();
        }
        pos = p + 8;
        return (long) LITTLE_ENDIAN_LONG.get(buf, p);
    }

    public double readDouble() throws InvalidProtocolBufferException {
        return Double.longBitsToDouble(readFixed64());
    }

    /** A {@code fixed32} field's bits. */
    public int readFixed32() throws InvalidProtocolBufferException {
        int p = pos;
        if (end - p < 4) {
            throw truncated();
        }
        pos = p + 4;
        return (int) LITTLE_ENDIAN_INT.get(buf, p);
    }

    /** A length-delimited field's length, checked against what is left of the current message. */
    public int readLength() throws InvalidProtocolBufferException {
        long length = readVarint64();
        if (length < 0 || length > end - pos) {
            throw length < 0 || length > Integer.MAX_VALUE
                    ? new InvalidProtocolBufferException("CodedInputStream encountered an embedded string or "
                    + "message which claimed to have negative size.")
                    : truncated();
        }
        return (int) length;
    }

    /** A {@code string} field (invalid UTF-8 becomes U+FFFD, as protobuf-java's {@code readString} does). */
    public String readString() throws InvalidProtocolBufferException {
        int length = readLength();
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    /**
     * Reads a length-delimited field's length and makes its bytes the current message; returns the end to give
     * {@link #leave} when done with it.
     */
    public int enter() throws InvalidProtocolBufferException {
        int length = readLength();
        int outer = end;
        end = pos + length;
        return outer;
    }

    /** Skips whatever is left of the message {@link #enter} entered and goes back to the enclosing one. */
    public void leave(int outerEnd) {
        pos = end;
        end = outerEnd;
    }

    /** Skips {@code n} bytes of the current message. */
    public void skipBytes(int n) throws InvalidProtocolBufferException {
        if (n < 0 || n > end - pos) {
            throw truncated();
        }
        pos += n;
    }

    /** Skips the value of a field whose tag was just read. */
    public void skipField(int tag) throws InvalidProtocolBufferException {
        switch (tag & 7) {
            case WIRETYPE_VARINT -> readVarint64();
            case WIRETYPE_FIXED64 -> skipBytes(8);
            case WIRETYPE_LENGTH_DELIMITED -> skipBytes(readLength());
            case WIRETYPE_FIXED32 -> skipBytes(4);
            case 3, 4 -> throw new InvalidProtocolBufferException("field " + (tag >>> 3)
                    + " is a group (wire type " + (tag & 7) + "), which this message never has");
            default -> throw new InvalidProtocolBufferException("Protocol message tag had invalid wire type.");
        }
    }

    private static InvalidProtocolBufferException truncated() {
        return new InvalidProtocolBufferException("While parsing a protocol message, the input ended unexpectedly "
                + "in the middle of a field.  This could mean either that the input has been truncated or that an "
                + "embedded message misreported its own length.");
    }
}
