package tocsin.ingest;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import org.junit.jupiter.api.Test;
import tocsin.ingest.datadog.SeriesV2Decoder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tocsin.ingest.Fixtures.CLOCK;
import static tocsin.ingest.Fixtures.bytes;
import static tocsin.ingest.Fixtures.points;

class ZstdDecodingTest {
    private static final String JSON = "datadog/series-v2-datadog-api-client-java-2.50.0.json";

    private static byte[] decode(byte[] zstd) throws IOException {
        try (InputStream in = ZstdDecoding.stream(new ByteArrayInputStream(zstd))) {
            return in.readAllBytes();
        }
    }

    @Test
    void aV2JsonPayloadCompressedByTheZstdCliDecodes() throws Exception {
        byte[] json = decode(bytes(JSON + ".zst"));
        assertThat(json).isEqualTo(bytes(JSON));
        IngestResult r = SeriesV2Decoder.decodeJson(json, CLOCK, IngestLimits.datadog());
        assertThat(points(r.batch())).containsExactly("smoke.gauge{env:test} GAUGE 1795509757000 1.5");
    }

    @Test
    void concatenatedFramesAreReadInTurn() throws Exception {
        byte[] frame = bytes(JSON + ".zst");
        byte[] two = Arrays.copyOf(frame, frame.length * 2);
        System.arraycopy(frame, 0, two, frame.length, frame.length);
        byte[] json = bytes(JSON);
        byte[] both = Arrays.copyOf(json, json.length * 2);
        System.arraycopy(json, 0, both, json.length, json.length);
        assertThat(decode(two)).isEqualTo(both);
    }

    @Test
    void corruptAndTruncatedBodiesFailAsDataFormatErrors() {
        byte[] frame = bytes(JSON + ".zst");
        byte[] truncated = Arrays.copyOf(frame, frame.length - 5);
        byte[] garbage = Fixtures.utf8("{\"series\":[]} is not zstd");
        byte[] flipped = frame.clone();
        flipped[frame.length / 2] ^= 0x5a;
        for (byte[] body : new byte[][]{truncated, garbage, flipped}) {
            assertThatThrownBy(() -> decode(body))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("corrupt zstd body: ")
                    .hasCauseInstanceOf(DataFormatException.class);
        }
    }

    @Test
    void framesAskingForAHugeWindowAreRefused() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(buf)) {
            z.setWindowLog(ZstdDecoding.MAX_WINDOW_LOG + 2);
            z.write(new byte[1 << 20]);
        }
        assertThatThrownBy(() -> decode(buf.toByteArray()))
                .hasCauseInstanceOf(DataFormatException.class)
                .hasMessageContaining("corrupt zstd body");

        buf.reset();
        try (ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(buf)) {
            z.setWindowLog(ZstdDecoding.MAX_WINDOW_LOG);
            z.write(new byte[1 << 20]);
        }
        assertThat(decode(buf.toByteArray())).hasSize(1 << 20);
    }

    @Test
    void failuresOfTheUnderlyingStreamPassThroughAndOnlyCloseClosesIt() throws Exception {
        IOException limit = new IOException("limit exceeded");
        InputStream failing = new InputStream() {
            @Override
            public int read() throws IOException {
                throw limit;
            }
        };
        InputStream z = ZstdDecoding.stream(failing);
        assertThatThrownBy(z::read).isSameAs(limit);
        assertThatThrownBy(z::read).hasMessage("the zstd stream already failed").hasCause(limit);

        boolean[] closed = {false};
        InputStream raw = new FilterInputStream(new ByteArrayInputStream(bytes(JSON + ".zst"))) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        InputStream in = ZstdDecoding.stream(raw);
        assertThat(in.readAllBytes()).isEqualTo(bytes(JSON));
        assertThat(in.read()).isEqualTo(-1);
        assertThat(closed[0]).as("the end of the frame leaves the request body open").isFalse();
        in.close();
        assertThat(closed[0]).isTrue();
    }
}
