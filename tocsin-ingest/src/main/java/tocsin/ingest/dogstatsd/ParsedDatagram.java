package tocsin.ingest.dogstatsd;

import tocsin.core.metric.Rejection;
import tocsin.core.event.Event;
import tocsin.ingest.ServiceCheck;

import java.util.List;

/**
 * Everything one datagram held, collected; see {@link DogStatsdParser#parse(byte[])}. Immutable and thread-safe.
 */
public record ParsedDatagram(List<DogStatsdSample> samples, List<ServiceCheck> serviceChecks, List<Event> events,
                             List<Rejection> rejections) {
    public ParsedDatagram {
        samples = List.copyOf(samples);
        serviceChecks = List.copyOf(serviceChecks);
        events = List.copyOf(events);
        rejections = List.copyOf(rejections);
    }
}
