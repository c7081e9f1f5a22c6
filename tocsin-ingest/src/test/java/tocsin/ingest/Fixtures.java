package tocsin.ingest;

import tocsin.core.metric.MetricBatch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** Test payloads and the clock they were captured at. */
public final class Fixtures {
    /** A moment just after the captured payloads' timestamps (1795509757, 2026-11-24). */
    public static final Instant NOW = Instant.ofEpochSecond(1_795_509_760L);
    public static final InstantSource CLOCK = InstantSource.fixed(NOW);

    private Fixtures() {
    }

    public static byte[] bytes(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/testdata/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Each point as {@code key kind timestamp value}, for readable assertions. */
    public static List<String> points(MetricBatch b) {
        List<String> out = new ArrayList<>();
        b.forEach((key, kind, ts, v) -> out.add(key + " " + kind + " " + ts + " " + v));
        return out;
    }
}
