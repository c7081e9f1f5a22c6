package tocsin.server.dogstatsd;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Counters shared by all UDP listeners of a server, labelled by listener. Thread-safe.
 *
 * @param packets datagrams received
 * @param dropped datagrams dropped because the parser fell behind
 * @param bytes   payload bytes received
 */
public record UdpMetrics(Counter packets, Counter dropped, Counter bytes) {

    public static UdpMetrics register(PrometheusRegistry registry) {
        return new UdpMetrics(
                Counter.builder().name("tocsin_udp_packets_received_total").help("UDP datagrams received")
                        .labelNames("listener").register(registry),
                Counter.builder().name("tocsin_udp_packets_dropped_total")
                        .help("UDP datagrams dropped because the parser fell behind (queue full)")
                        .labelNames("listener").register(registry),
                Counter.builder().name("tocsin_udp_bytes_received_total").help("UDP payload bytes received")
                        .labelNames("listener").register(registry));
    }
}
