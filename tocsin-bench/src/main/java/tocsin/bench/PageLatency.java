package tocsin.bench;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ingest → page latency (issue #6): how long from the moment a sample that crosses a threshold is sent until a
 * webhook sink receives the notification, while a steady background load is written to the same server.
 *
 * <h2>Scenario</h2>
 * Every system gets the same traffic over Prometheus remote write (the one intake all of them speak): a background
 * load of {@code --load} samples per second over {@code --load-series} series, timestamped now, and {@code
 * --probes} <em>probes</em>, each one sample {@code bench_probe{probe="i"} = 1000} in a series of its own, sent at
 * irregular intervals so that they do not line up with anyone's evaluation ticks. The alert condition is the same
 * everywhere: the probe's maximum is over 100, by probe. A probe's latency runs from just before its request is sent
 * to the sink's receipt of the first notification naming it; the sink is a loopback HTTP server in this process.
 *
 * <ul>
 *   <li><b>tocsin</b>: a Datadog metric monitor {@code max(last_1m):max:bench_probe{*} by {probe} > 100} with
 *       {@code new_group_delay: 0}, whose message names {@code @webhook-sink}, a webhook from the config;</li>
 *   <li><b>prometheus + alertmanager, fastest</b>: 1 s evaluation interval, an alerting rule with {@code for: 0s},
 *       Alertmanager routing by probe with {@code group_wait: 0s}, {@code group_interval: 1s}, to a
 *       {@code webhook_configs} receiver;</li>
 *   <li><b>prometheus + alertmanager, defaults</b>: the same without those settings (1 m evaluation, 30 s group
 *       wait).</li>
 * </ul>
 *
 * <p>Prints, per system, probes noticed and their latency percentiles, and the background load actually achieved.
 */
final class PageLatency {
    private static final String KEY = "bench-key-0123456789abcdef";
    private static final Pattern PROBE = Pattern.compile("probe\\\\?\"?[:=]\\\\?\"?\\s*\"?(\\d+)");
    private static final int SERIES_PER_REQUEST = 2000;

    private PageLatency() {
    }

    record Result(String name, String status, long[] latenciesNanos, int probes, double loadPerSecond) {
        double percentileMs(double p) {
            long[] sorted = latenciesNanos.clone();
            Arrays.sort(sorted);
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }

    static void run(Map<String, String> opts) throws Exception {
        Path jar = Path.of(opts.getOrDefault("tocsin-jar", "tocsin-server/target/tocsin.jar"));
        int probes = Integer.parseInt(opts.getOrDefault("probes", "40"));
        int slowProbes = Integer.parseInt(opts.getOrDefault("default-probes", "6"));
        int load = Integer.parseInt(opts.getOrDefault("load", "100000"));
        int loadSeries = Integer.parseInt(opts.getOrDefault("load-series", "10000"));
        System.out.printf(Locale.ROOT, "page latency: %d probes over remote write with %,d samples/s of background "
                + "load over %,d series; the sink is a loopback webhook%n", probes, load, loadSeries);
        List<Result> results = new ArrayList<>();
        List<String> systems = List.of(opts.getOrDefault("systems", "tocsin,fast,defaults").split(","));
        if (systems.contains("tocsin")) {
            results.add(attempt("tocsin", probes, () -> tocsin(jar, probes, load, loadSeries)));
        }
        if (systems.contains("fast")) {
            String fast = "prometheus+alertmanager (1 s eval, group_wait 0s)";
            results.add(attempt(fast, probes, () -> prometheus(fast, true, probes, load, loadSeries)));
        }
        if (systems.contains("defaults")) {
            String defaults = "prometheus+alertmanager (defaults)";
            results.add(attempt(defaults, slowProbes, () -> prometheus(defaults, false, slowProbes, load,
                    loadSeries)));
        }
        System.out.printf(Locale.ROOT, "%-50s %-8s %9s %9s %9s %9s %9s %14s%n", "system", "noticed", "p50 ms",
                "p90 ms", "p99 ms", "max ms", "min ms", "load samples/s");
        for (Result r : results) {
            if (!r.status().equals("ok")) {
                System.out.printf(Locale.ROOT, "%-50s %s%n", r.name(), r.status());
                continue;
            }
            System.out.printf(Locale.ROOT, "%-50s %3d/%-4d %9.1f %9.1f %9.1f %9.1f %9.1f %14.0f%n", r.name(),
                    r.latenciesNanos().length, r.probes(), r.percentileMs(50), r.percentileMs(90), r.percentileMs(99),
                    r.percentileMs(100), r.percentileMs(0), r.loadPerSecond());
        }
        Result base = results.get(0);
        if (base.name().equals("tocsin") && base.status().equals("ok") && base.latenciesNanos().length > 0) {
            for (Result r : results.subList(1, results.size())) {
                if (r.status().equals("ok") && r.latenciesNanos().length > 0) {
                    System.out.printf(Locale.ROOT, "  %s p99 / tocsin p99: x%.1f%n", r.name(),
                            r.percentileMs(99) / base.percentileMs(99));
                }
            }
        }
    }

    private static Result attempt(String name, int probes, java.util.concurrent.Callable<Result> system) {
        try {
            return system.call();
        } catch (Exception e) {
            return new Result(name, "error: " + e.getMessage(), new long[0], probes, 0);
        }
    }

    private static Result tocsin(Path jar, int probes, int load, int loadSeries) throws Exception {
        if (!Files.exists(jar)) {
            return new Result("tocsin", jar + " not found; build it with ./mvnw -DskipTests package", new long[0],
                    probes, 0);
        }
        try (Sink sink = new Sink()) {
            Path config = Files.createTempFile("tocsin-bench-", ".yaml");
            Files.writeString(config, """
                    notify:
                      webhooks:
                        - name: sink
                          url: "%s"
                          payload: '{"scope": "$ALERT_SCOPE", "transition": "$ALERT_TRANSITION"}'
                    """.formatted(sink.url("/tocsin")));
            List<String> command = Bench.tocsinJvm();
            command.addAll(List.of("-jar", jar.toString(), "server", "--data-dir", "{DATA}", "--http-addr",
                    "127.0.0.1:{PORT}", "--statsd-addr", "off", "--bootstrap-api-key", KEY, "--config",
                    config.toString()));
            try (Peer tocsin = Peer.start("tocsin", command, "/health", "/api/v1/write",
                    Map.of("Authorization", "Bearer " + KEY))) {
                String monitor = """
                        {"name": "bench probe", "type": "metric alert",
                         "query": "max(last_1m):max:bench_probe{*} by {probe} > 100",
                         "message": "probe {{probe.name}} is high @webhook-sink",
                         "options": {"thresholds": {"critical": 100}, "new_group_delay": 0,
                                     "require_full_window": false, "notify_no_data": false}}""";
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                tocsin.uri("/api/v1/monitor")).header("DD-API-KEY", KEY)
                        .header("DD-APPLICATION-KEY", KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(monitor)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return new Result("tocsin", "monitor refused: " + r.statusCode() + " " + r.body(), new long[0],
                            probes, 0);
                }
                return measure("tocsin", tocsin, sink, probes, load, loadSeries, Duration.ofSeconds(30));
            } finally {
                Files.deleteIfExists(config);
            }
        }
    }

    private static Result prometheus(String name, boolean fast, int probes, int load, int loadSeries)
            throws Exception {
        if (!Bench.onPath("prometheus") || !Bench.onPath("prometheus-alertmanager")) {
            return new Result(name, "not installed (apt-get install prometheus prometheus-alertmanager)",
                    new long[0], probes, 0);
        }
        Path dir = Files.createTempDirectory("tocsin-bench-prom-");
        try (Sink sink = new Sink()) {
            Files.writeString(dir.resolve("alertmanager.yml"), """
                    route:
                      receiver: sink
                      group_by: [probe]
                    %s
                    receivers:
                      - name: sink
                        webhook_configs:
                          - url: "%s"
                            send_resolved: false
                    """.formatted(fast ? "  group_wait: 0s\n  group_interval: 1s" : "", sink.url("/alertmanager")));
            try (Peer am = Peer.start("alertmanager", List.of("prometheus-alertmanager",
                    "--config.file=" + dir.resolve("alertmanager.yml"), "--storage.path={DATA}",
                    "--web.listen-address=127.0.0.1:{PORT}", "--cluster.listen-address="), "/-/ready", "/",
                    Map.of())) {
                Files.writeString(dir.resolve("rules.yml"), """
                        groups:
                          - name: bench
                            rules:
                              - alert: ProbeHigh
                                expr: max by (probe) (bench_probe) > 100
                        """);
                Files.writeString(dir.resolve("prometheus.yml"), """
                        global:
                        %s
                        rule_files: ["%s"]
                        alerting:
                          alertmanagers:
                            - static_configs:
                                - targets: ["127.0.0.1:%d"]
                        """.formatted(fast ? "  evaluation_interval: 1s" : "  {}", dir.resolve("rules.yml"),
                        am.port));
                try (Peer prom = Peer.start("prometheus", List.of("prometheus",
                        "--config.file=" + dir.resolve("prometheus.yml"), "--storage.tsdb.path={DATA}",
                        "--web.listen-address=127.0.0.1:{PORT}", "--web.enable-remote-write-receiver"), "/-/ready",
                        "/api/v1/write", Map.of())) {
                    return measure(name, prom, sink, probes, load, loadSeries,
                            fast ? Duration.ofSeconds(30) : Duration.ofSeconds(150));
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Runs the background load, sends the probes, and waits up to {@code patience} after the last for the sink. */
    private static Result measure(String name, Peer peer, Sink sink, int probes, int load, int loadSeries,
                                  Duration patience) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Load background = new Load(http, peer, load, loadSeries);
        Thread loader = Thread.ofPlatform().name("bench-load").start(background);
        try {
            Thread.sleep(6000); // every system has settled (rules loaded, Alertmanager found) and the load is steady
            SplittableRandom random = new SplittableRandom(11);
            long[] sent = new long[probes];
            for (int i = 0; i < probes; i++) {
                Thread.sleep(300 + random.nextInt(900));
                byte[] body = RemoteWritePayloads.request(List.<String[]>of(new String[]{"__name__", "bench_probe",
                        "probe", Integer.toString(i)}), new double[]{1000}, System.currentTimeMillis());
                sent[i] = System.nanoTime();
                int status = send(http, peer, body);
                if (status >= 300) {
                    return new Result(name, "probe " + i + " answered " + status, new long[0], probes, 0);
                }
            }
            long deadline = System.nanoTime() + patience.toNanos();
            while (sink.received.size() < probes && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (sink.received.size() < probes) {
                System.out.println(name + ": no notification for probes " + java.util.stream.IntStream.range(0, probes)
                        .filter(i -> !sink.received.containsKey(i)).boxed().toList() + "; bodies received: "
                        + sink.bodies.size());
            }
            long[] latencies = sink.received.entrySet().stream().filter(e -> e.getKey() < probes)
                    .mapToLong(e -> e.getValue() - sent[e.getKey()]).toArray();
            return new Result(name, background.failures.get() > 0 ? background.failures.get()
                    + " failed load requests" : "ok", latencies, probes, background.rate());
        } finally {
            background.stop.set(true);
            loader.join();
        }
    }

    private static int send(HttpClient http, Peer peer, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(peer.uri(peer.writePath)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        peer.headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Remote-writes {@code rate} samples a second, {@value #SERIES_PER_REQUEST} series per request, timestamped now. */
    private static final class Load implements Runnable {
        final HttpClient http;
        final Peer peer;
        final int rate;
        final List<String[]> labels = new ArrayList<>();
        final double[] values;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong failures = new AtomicLong();
        long sentSamples;
        long startNanos;
        long endNanos;

        Load(HttpClient http, Peer peer, int rate, int series) {
            this.http = http;
            this.peer = peer;
            this.rate = rate;
            for (int s = 0; s < series; s++) {
                labels.add(new String[]{"__name__", "bench_load_" + (s % 10), "instance", "host-" + s / 10 + ":9100",
                        "job", "node"});
            }
            values = new double[series];
        }

        @Override
        public void run() {
            SplittableRandom random = new SplittableRandom(5);
            startNanos = System.nanoTime();
            int next = 0;
            while (!stop.get()) {
                int n = Math.min(SERIES_PER_REQUEST, labels.size() - next);
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    values[next + i] = Math.round(random.nextDouble() * 5000) / 100.0;
                    v[i] = values[next + i];
                }
                try {
                    if (send(http, peer, RemoteWritePayloads.request(labels.subList(next, next + n), v,
                            System.currentTimeMillis())) >= 300) {
                        failures.incrementAndGet();
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                sentSamples += n;
                next = (next + n) % labels.size();
                long due = startNanos + (long) (sentSamples * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }
            endNanos = System.nanoTime();
        }

        double rate() {
            long end = endNanos == 0 ? System.nanoTime() : endNanos;
            return sentSamples / ((end - startNanos) / 1e9);
        }
    }

    /** A loopback HTTP server that notes when the first notification naming each probe arrived. */
    private static final class Sink implements AutoCloseable {
        final HttpServer server;
        final Map<Integer, Long> received = new ConcurrentHashMap<>();
        final List<String> bodies = java.util.Collections.synchronizedList(new ArrayList<>());

        Sink() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.createContext("/", exchange -> {
                long at = System.nanoTime();
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                bodies.add(body);
                Matcher m = PROBE.matcher(body);
                while (m.find()) {
                    received.putIfAbsent(Integer.parseInt(m.group(1)), at);
                }
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        String url(String path) {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path).toString();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
