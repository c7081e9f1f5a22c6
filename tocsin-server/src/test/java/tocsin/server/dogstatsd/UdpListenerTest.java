package tocsin.server.dogstatsd;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class UdpListenerTest {

    @Test
    void datagramsReachTheConsumerIntact() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        try (UdpListener l = UdpListener.start(new InetSocketAddress("127.0.0.1", 0), "test", 1024, buf -> {
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            got.add(new String(b, StandardCharsets.UTF_8));
        }, UdpMetrics.register(new PrometheusRegistry()));
             DatagramSocket client = new DatagramSocket()) {
            for (int i = 0; i < 50; i++) {
                byte[] msg = ("page.views:" + i + "|c|#env:test").getBytes(StandardCharsets.UTF_8);
                client.send(new DatagramPacket(msg, msg.length, l.address()));
            }
            await().atMost(5, TimeUnit.SECONDS).until(() -> got.size() == 50);
            assertThat(got).contains("page.views:0|c|#env:test", "page.views:49|c|#env:test");
            assertThat(l.packetsReceived()).isEqualTo(50);
            assertThat(l.packetsDropped()).isZero();
        }
    }

    @Test
    void aStalledParserDropsAndCountsInsteadOfBlockingTheSocket() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (UdpListener l = UdpListener.start(new InetSocketAddress("127.0.0.1", 0), "test", 4, buf -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, UdpMetrics.register(new PrometheusRegistry()));
             DatagramSocket client = new DatagramSocket()) {
            byte[] msg = "x:1|g".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 40; i++) {
                client.send(new DatagramPacket(msg, msg.length, l.address()));
            }
            await().atMost(5, TimeUnit.SECONDS).until(() -> l.packetsReceived() == 40);
            // at most one in the parser's hands and four queued: the rest are dropped, and counted
            try {
                await().atMost(5, TimeUnit.SECONDS).until(() -> l.packetsDropped() >= 35);
                assertThat(l.packetsDropped()).isBetween(35L, 36L);
            } finally {
                release.countDown();
            }
        }
    }
}
