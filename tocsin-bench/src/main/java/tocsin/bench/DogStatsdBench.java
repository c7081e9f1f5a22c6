package tocsin.bench;

import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * DogStatsD intake: sends metric lines packed into 1432-byte datagrams (the clients' default) at a target rate and
 * reads back from Tocsin's own {@code /metrics} how many lines were parsed and how many datagrams were dropped.
 * There is no DogStatsD server among Debian's packages, so the figure is set against the goal (500k lines/s on
 * 2 cores, no loss below that) rather than a peer.
 */
final class DogStatsdBench {
    private DogStatsdBench() {
    }

    static void run(Peer tocsin, int statsdPort, int lines, int ratePerSecond, String key) throws Exception {
        List<byte[]> datagrams = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        int packed = 0;
        for (int i = 0; i < lines; i++) {
            String line = "bench.dsd." + (i % 50) + ":" + (i % 1000) + "|" + (i % 3 == 0 ? "c" : i % 3 == 1 ? "g" : "h")
                    + "|#env:bench,host:host-" + (i % 200) + ",shard:" + (i % 7) + "\n";
            if (sb.length() + line.length() > 1432) {
                datagrams.add(sb.toString().getBytes(StandardCharsets.UTF_8));
                sb.setLength(0);
            }
            sb.append(line);
            packed++;
        }
        datagrams.add(sb.toString().getBytes(StandardCharsets.UTF_8));
        double linesPerDatagram = packed / (double) datagrams.size();
        long nanosPerDatagram = ratePerSecond <= 0 ? 0 : (long) (1e9 * linesPerDatagram / ratePerSecond);

        double cpu0 = tocsin.cpuSeconds();
        long t0 = System.nanoTime();
        try (DatagramChannel ch = DatagramChannel.open()) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", statsdPort);
            long next = System.nanoTime();
            for (byte[] d : datagrams) {
                if (nanosPerDatagram > 0) {
                    next += nanosPerDatagram;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
                ch.send(ByteBuffer.wrap(d), to);
            }
        }
        double sendSeconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(3000); // let the parser drain its queue
        double cpu = tocsin.cpuSeconds() - cpu0;
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(tocsin.uri("/metrics"))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString()).body();
        double parsed = value(metrics, "tocsin_dogstatsd_lines_total{outcome=\"accepted\"}");
        double dropped = value(metrics, "tocsin_udp_packets_dropped_total{listener=\"dogstatsd\"}");
        double received = value(metrics, "tocsin_udp_packets_received_total{listener=\"dogstatsd\"}");
        System.out.printf(Locale.ROOT, "dogstatsd: %,d lines in %,d datagrams (%.1f lines each), offered at %s%n", packed,
                datagrams.size(), linesPerDatagram, ratePerSecond <= 0 ? "full speed" : String.format(Locale.ROOT,
                        "%,d lines/s", ratePerSecond));
        System.out.printf(Locale.ROOT, "  sent in %.2f s = %,.0f lines/s offered; datagrams received %,.0f of %,d "
                        + "(kernel loss %,.0f), dropped by Tocsin %,.0f; lines parsed %,.0f (%.2f%%); Tocsin CPU %.2f s "
                        + "= %,.0f lines per CPU-second; goal 500,000 lines/s without loss%n", sendSeconds,
                packed / sendSeconds, received, datagrams.size(), datagrams.size() - received, dropped, parsed,
                100.0 * parsed / packed, cpu, parsed / cpu);
    }

    private static double value(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

}
