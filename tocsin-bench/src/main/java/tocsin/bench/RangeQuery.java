package tocsin.bench;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * The dashboard query of the benchmark: one hour of {@code sum by (region)} over every series of the synthetic
 * fleet at 15-second steps, through each server's Prometheus-compatible {@code query_range}. Result caches are
 * bypassed where a server has one (VictoriaMetrics: {@code nocache=1}), so each run computes from the store.
 */
final class RangeQuery {
    static final String QUERY = "sum by (region) ({__name__=~\"bench_metric_.*\"})";
    /**
     * Queries before the timed ones, the same for every server. A dashboard refreshing every 30 s sends this query
     * 120 times an hour; 40 first lets a JVM compile the query's parallel paths, as a server up for a while has (with
     * 10, Tocsin's median wandered 50-100 ms between runs of the same build; VictoriaMetrics and Prometheus do not
     * compile, and their result caches stay bypassed).
     */
    static final int WARMUP = Integer.getInteger("bench.queryWarmup", 40);
    static final int RUNS = Integer.getInteger("bench.queryRuns", 20);

    /** Median and best wall time, server CPU per query, and what came back (to see that all servers agree). */
    record Timing(double medianMs, double minMs, double cpuMsPerQuery, String shape) {
    }

    private RangeQuery() {
    }

    static Timing measure(HttpClient http, Peer peer, String path, long startMs) throws IOException,
            InterruptedException {
        long start = startMs / 1000;
        String sep = path.contains("?") ? "&" : "?";
        String uri = path + sep + "query=" + URLEncoder.encode(QUERY, StandardCharsets.UTF_8) + "&start=" + start
                + "&end=" + (start + 3600) + "&step=15";
        String body = "";
        for (int i = 0; i < WARMUP; i++) {
            body = send(http, peer, uri);
        }
        double[] ms = new double[RUNS];
        double cpu0 = peer.cpuSeconds();
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            body = send(http, peer, uri);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        double cpuMs = (peer.cpuSeconds() - cpu0) * 1000 / RUNS;
        if (Boolean.getBoolean("bench.queryTimes")) { // each run's wall time in ms, in the order they ran
            StringBuilder times = new StringBuilder(peer.name + " range query runs (ms):");
            for (double t : ms) {
                times.append(String.format(java.util.Locale.ROOT, " %.1f", t));
            }
            System.out.println(times);
        }
        Arrays.sort(ms);
        return new Timing(ms[RUNS / 2], ms[0], cpuMs, shape(body));
    }

    private static String send(HttpClient http, Peer peer, String uri) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(peer.uri(uri)).timeout(Duration.ofSeconds(120)).GET();
        peer.headers.forEach(b::header);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("query answered " + r.statusCode() + ": "
                    + r.body().substring(0, Math.min(200, r.body().length())));
        }
        return r.body();
    }

    /** "8 series, 800 points": counted from the JSON text, enough to see that the servers agree. */
    private static String shape(String body) {
        int series = count(body, "\"metric\"");
        int points = count(body, "],[") + series;
        return series + " series, " + points + " points";
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }
}
