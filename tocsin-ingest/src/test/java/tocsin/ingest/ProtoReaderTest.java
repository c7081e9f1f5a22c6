package tocsin.ingest;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reader against protobuf-java's own writer: whatever {@code CodedOutputStream} writes (every wire type, extreme
 * varints, nested messages) reads back field by field, and every truncation of it fails with
 * {@link InvalidProtocolBufferException}, never an index exception or a wrong value.
 */
class ProtoReaderTest {

    /** One field as written: its number, wire type and value (a long, or bytes for a nested message). */
    record Field(int number, int wireType, long value, byte[] bytes) {
    }

    @Property(tries = 500)
    void readsWhatProtobufJavaWrites(@ForAll("fields") List<Field> fields) throws IOException {
        byte[] message = write(fields);
        ProtoReader in = new ProtoReader(message);
        for (Field f : fields) {
            int tag = in.readTag();
            assertThat(tag >>> 3).isEqualTo(f.number());
            assertThat(tag & 7).isEqualTo(f.wireType());
            switch (f.wireType()) {
                case ProtoReader.WIRETYPE_VARINT -> assertThat(in.readVarint64()).isEqualTo(f.value());
                case ProtoReader.WIRETYPE_FIXED64 -> assertThat(in.readFixed64()).isEqualTo(f.value());
                case ProtoReader.WIRETYPE_FIXED32 -> assertThat(in.readFixed32()).isEqualTo((int) f.value());
                default -> {
                    int outer = in.enter();
                    int from = in.position();
                    in.leave(outer);
                    assertThat(Arrays.copyOfRange(message, from, in.position())).isEqualTo(f.bytes());
                }
            }
        }
        assertThat(in.readTag()).isZero();
    }

    @Property(tries = 300)
    void skippingEveryFieldReachesTheEnd(@ForAll("fields") List<Field> fields) throws IOException {
        ProtoReader in = new ProtoReader(write(fields));
        int n = 0;
        for (int t; (t = in.readTag()) != 0; n++) {
            in.skipField(t);
        }
        assertThat(n).isEqualTo(fields.size());
    }

    @Property(tries = 300)
    void everyTruncationFailsAsMalformed(@ForAll("fields") List<Field> fields, @ForAll @IntRange(min = 1, max = 64)
            int cut) throws IOException {
        byte[] message = write(fields);
        if (message.length == 0) {
            return;
        }
        byte[] truncated = Arrays.copyOf(message, Math.max(0, message.length - Math.min(cut, message.length)));
        // A cut that falls between two fields is a shorter valid message; any other must fail as malformed.
        try {
            ProtoReader in = new ProtoReader(truncated);
            for (int t; (t = in.readTag()) != 0; ) {
                in.skipField(t);
            }
        } catch (InvalidProtocolBufferException expected) {
            return;
        }
        assertThat(fieldBoundaries(fields)).contains(truncated.length);
    }

    @Test
    void aLengthPastTheEndAnOverlongVarintAndAGroupAreRefused() {
        assertThatThrownBy(() -> new ProtoReader(new byte[]{0x0a, 0x05, 0x01}).skipField(readTag(0x0a, 0x05, 0x01)))
                .isInstanceOf(InvalidProtocolBufferException.class);
        byte[] overlong = new byte[12];
        Arrays.fill(overlong, (byte) 0xFF);
        overlong[0] = 0x08;
        assertThatThrownBy(() -> {
            ProtoReader in = new ProtoReader(overlong);
            in.readTag();
            in.readVarint64();
        }).isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("malformed varint");
        assertThatThrownBy(() -> {
            ProtoReader in = new ProtoReader(new byte[]{0x0b, 0x0c});
            in.skipField(in.readTag());
        }).isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("group");
        assertThatThrownBy(() -> new ProtoReader(new byte[]{0x00}).readTag())
                .isInstanceOf(InvalidProtocolBufferException.class).hasMessageContaining("invalid tag");
    }

    private static int readTag(int... bytes) throws InvalidProtocolBufferException {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new ProtoReader(b).readTag();
    }

    @Provide
    Arbitrary<List<Field>> fields() {
        Arbitrary<Integer> numbers = Arbitraries.oneOf(Arbitraries.integers().between(1, 20),
                Arbitraries.integers().between(1, (1 << 29) - 1));
        Arbitrary<Long> longs = Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.longs().between(-2, 300),
                Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L));
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Field> field = Combinators.combine(numbers, Arbitraries.of(0, 1, 2, 5), longs, bytes)
                .as((n, w, v, b) -> new Field(n, w, v, b));
        return field.list().ofMaxSize(12);
    }

    private static byte[] write(List<Field> fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (Field f : fields) {
            switch (f.wireType()) {
                case 0 -> out.writeInt64(f.number(), f.value());
                case 1 -> out.writeFixed64(f.number(), f.value());
                case 5 -> out.writeFixed32(f.number(), (int) f.value());
                default -> out.writeByteArray(f.number(), f.bytes());
            }
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static List<Integer> fieldBoundaries(List<Field> fields) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i <= fields.size(); i++) {
            out.add(write(fields.subList(0, i)).length);
        }
        return out;
    }
}
