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

    /**
     * A declared {@code Content-Length} only sizes the first array: whether it is right, short, long or absent, and
     * however the stream cuts its reads, the body read is the body sent and the limit holds.
     */
    @Property(tries = 300)
    void aDeclaredLengthIsOnlyAHint(@ForAll @Size(max = 20_000) byte[] data,
                                    @ForAll @IntRange(min = -1, max = 25_000) int declared,
                                    @ForAll @IntRange(min = 1, max = 5000) int chunk,
                                    @ForAll @IntRange(min = 0, max = 20_000) int limit) throws IOException {
        ByteArrayInputStream whole = new ByteArrayInputStream(data);
        java.io.InputStream cut = new java.io.FilterInputStream(whole) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
        if (data.length <= limit) {
            assertThat(reader.read(cut, null, limit, java.util.Set.of(), declared)).isEqualTo(data);
        } else {
            assertThatThrownBy(() -> reader.read(cut, null, limit, java.util.Set.of(), declared))
                    .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.status()).isEqualTo(413));
        }
    }

    @Test
    void aBodyOfTheDeclaredLengthIsReadIntoOneArrayAndAHostileLengthIsNotAllocated() throws IOException {
        byte[] data = new byte[100_000];
        new java.util.Random(1).nextBytes(data);
        assertThat(BodyReader.readBounded(new ByteArrayInputStream(data), 1 << 24, data.length)).isEqualTo(data);
        // claims 16 MiB, sends 10 bytes: read all the same, and the array made up front was at most MAX_PRESIZE
        assertThat(BodyReader.readBounded(new ByteArrayInputStream(new byte[10]), 1 << 24, 1 << 24)).hasSize(10);
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
    void aWireLimitCountsTheBodyAsSentWithOrWithoutItsDeclaredLength() throws IOException {
        byte[] text = "x".repeat(5_000).getBytes();
        byte[] gz = encode("gzip", text); // a few dozen bytes as sent
        assertThat(reader.read(new ByteArrayInputStream(gz), "gzip", 10_000, java.util.Set.of(), -1, 1_000))
                .isEqualTo(text);
        for (long declared : new long[]{-1, text.length}) { // chunked (counted as read), or said up front
            assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(text), null, 10_000, java.util.Set.of(),
                    declared, 1_000)).isInstanceOfSatisfying(ApiProblem.class, p -> {
                        assertThat(p.status()).isEqualTo(413);
                        assertThat(p.getMessage()).contains("1000 bytes as sent");
                    });
        }
        // under the wire limit, past the decoded one: the decoded limit is named
        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(gz), "gzip", 1_000, java.util.Set.of(), -1,
                1_000)).isInstanceOfSatisfying(ApiProblem.class,
                p -> assertThat(p.getMessage()).contains("1000 bytes (after decompression)"));
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
