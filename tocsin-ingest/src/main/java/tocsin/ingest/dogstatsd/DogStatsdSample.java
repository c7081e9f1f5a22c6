package tocsin.ingest.dogstatsd;

import tocsin.core.metric.SeriesKey;

import java.util.Objects;

/**
 * One value read from a datagram, as {@link DogStatsdParser#parse(byte[])} returns it. The streaming
 * {@link DogStatsdSink} receives the same fields without this record. Immutable and thread-safe.
 *
 * @param member          the member, for {@link DogStatsdType#SET} only; else null
 * @param value           the value; 0 for sets
 * @param timestampMillis the {@code |T} timestamp, or {@link DogStatsdParser#NO_TIMESTAMP}
 */
public record DogStatsdSample(SeriesKey key, DogStatsdType type, double value, double sampleRate,
                              long timestampMillis, String member) {
    public DogStatsdSample {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
    }

    public boolean timestamped() {
        return timestampMillis != DogStatsdParser.NO_TIMESTAMP;
    }
}
