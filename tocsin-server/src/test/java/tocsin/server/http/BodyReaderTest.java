package tocsin.server.http;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BodyReaderTest {
    private final BodyReader reader = new BodyReader();

    @Property(tries = 200)
    void everyEncodingRoundTrips(@ForAll @Size(max = 5000) byte[] data, @ForAll @IntRange(max = 3) int encoding)
            throws IOException {
        String name = new String[]{"identity", "gzip", "deflate", "raw-deflate"}[encoding];
        byte[] encoded = encode(name, data);
        String header = name.equals("raw-deflate") ? "deflate" : name;
        assertThat(reader.read(new ByteArrayInputStream(encoded), header, 10_000)).isEqualTo(data);
    }

    @Property(tries = 100)
    void theLimitAppliesToDecodedBytes(@ForAll @IntRange(min = 1, max = 4000) int size,
                                       @ForAll @IntRange(min = 1, max = 4000) int limit) throws IOException {
        byte[] data = new byte[size];
        byte[] gz = encode("gzip", data);
        if (size <= limit) {
            assertThat(reader.read(new ByteArrayInputStream(gz), "gzip", limit)).hasSize(size);
        } else {
            assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(gz), "gzip", limit))
                    .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.status()).isEqualTo(413));
        }
    }

    @Test
    void stackedEncodingsAreUndoneInReverseOrder() throws IOException {
        byte[] data = "hello".getBytes();
        byte[] twice = encode("gzip", encode("deflate", data));
        assertThat(reader.read(new ByteArrayInputStream(twice), "deflate, gzip", 100)).isEqualTo(data);
    }

    @Test
    void truncatedAndCorruptStreamsAreBadRequests() throws IOException {
        byte[] gz = encode("gzip", new byte[1000]);
        byte[] truncated = java.util.Arrays.copyOf(gz, gz.length / 2);
        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(truncated), "gzip", 10_000))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(400);
                    assertThat(p.errors()).singleElement().asString().startsWith("body: could not decode the gzip body");
                });
        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(new byte[]{1, 2, 3, 4, 5}), "deflate", 10_000))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.status()).isEqualTo(400));
    }

    @Test
    void unknownEncodingsAre415() {
        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(new byte[1]), "compress", 10))
                .isInstanceOfSatisfying(ApiProblem.class, p -> {
                    assertThat(p.status()).isEqualTo(415);
                    assertThat(p.getMessage()).contains("'compress'").contains("gzip");
                });
    }

    static byte[] encode(String encoding, byte[] data) throws IOException {
        if (encoding.equals("identity")) {
            return data;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream out = switch (encoding) {
            case "gzip" -> new GZIPOutputStream(bytes);
            case "deflate" -> new DeflaterOutputStream(bytes);
            default -> new DeflaterOutputStream(bytes, new Deflater(Deflater.DEFAULT_COMPRESSION, true));
        };
        try (out) {
            out.write(data);
        }
        return bytes.toByteArray();
    }
}
