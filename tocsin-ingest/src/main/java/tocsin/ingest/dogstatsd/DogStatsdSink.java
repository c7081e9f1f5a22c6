package tocsin.ingest.dogstatsd;

import tocsin.core.metric.Rejection;
import tocsin.core.metric.SeriesKey;
import tocsin.core.event.Event;
import tocsin.ingest.ServiceCheck;

/**
 * Receives what {@link DogStatsdParser} reads from a datagram, one call per value, in datagram order. The hot path
 * passes primitives so that a metric line costs no allocation once its context is cached.
 *
 * <p>Implementations are called on the parsing thread.
 */
public interface DogStatsdSink {

    /**
     * One numeric value. A packed line ({@code name:1:2:3|h}) calls this once per value with the same key.
     *
     * @param sampleRate      in (0, 1]; 1 when the line had none
     * @param timestampMillis the line's {@code |T} timestamp for gauges and counts, else
     *                        {@link DogStatsdParser#NO_TIMESTAMP}
     */
    void sample(SeriesKey key, DogStatsdType type, double value, double sampleRate, long timestampMillis);

    /** One member of a set ({@code s}) metric, as sent. */
    void setMember(SeriesKey key, String member);

    void serviceCheck(ServiceCheck check);

    void event(Event event);

    /** A line that was refused, item {@code line <n>} (1-based within the datagram). */
    void rejected(Rejection rejection);
}
