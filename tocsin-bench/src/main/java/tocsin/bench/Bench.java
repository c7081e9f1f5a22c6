package tocsin.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Side-by-side benchmarks. Each scenario starts Tocsin and the peers installed on this machine, sends them the same
 * pre-encoded data in the same run, and prints each figure with its ratio to Tocsin's.
 *
 * <pre>
 *   java -jar tocsin-bench/target/tocsin-bench.jar remote-write [--series N] [--samples N] [--shards N] [--warmup N]
 *        [--warmup-batches auto|N] [--rounds N]
 *        [--tocsin-jar tocsin-server/target/tocsin.jar] [--peers victoria-metrics,prometheus]
 * </pre>
 *
 * Peers come from Debian's packages ({@code victoria-metrics}, {@code prometheus}); a peer that is not installed is
 * reported and skipped.
 */
public final class Bench {
    private static final String KEY = "bench-key-0123456789abcdef";
    /** The JVM options {@code bin/tocsin} starts the server with, read from the checkout the bench runs in. */
    private static final Path JVM_OPTIONS = Path.of("bin", "lib", "jvm.options");
    /** At most this many series in a warm-up batch ({@code --warmup N} samples each) unless {@code --warmup-series}. */
    private static final int WARMUP_SERIES = 10_000;

    /** The first measured sample's time: a minute before now, less the measured samples, on a 15 s boundary. */
    private static long measuredStart(int samples) {
        long start = System.currentTimeMillis() - samples * RemoteWritePayloads.STEP_MS - 60_000;
        return start - start % RemoteWritePayloads.STEP_MS;
    }

    private static int warmupSeries(Map<String, String> opts) {
        return Integer.parseInt(opts.getOrDefault("warmup-series", String.valueOf(WARMUP_SERIES)));
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !List.of("remote-write", "dogstatsd", "datadog", "page-latency").contains(args[0])) {
            System.err.println("usage: remote-write [--series N] [--samples N] [--shards N] [--warmup N] [--warmup-series N] "
                    + "[--rounds N (measure N times over, other series each time; the median round is reported)] "
                    + "[--tocsin-jar PATH] [--peers a,b] [--query on|off (default: on up to 100k series)]");
            System.err.println("       datadog [--series N] [--samples N (at most 200: Datadog refuses points over 1 h old)] "
                    + "[--warmup N] [--rounds N]");
            System.err.println("       page-latency [--probes N] [--default-probes N] [--load SAMPLES_PER_SECOND] "
                    + "[--load-series N] [--systems tocsin,fast,defaults]");
            System.err.println("  --warmup N: before measuring, send every server batches of up to 10,000 other series "
                    + "x N samples, one a second, before the measured time (a long-running server's JIT is warm; a "
                    + "fresh JVM's is not); --warmup-series N changes the 10,000; --warmup-batches auto|N: auto (the "
                    + "default) sends Tocsin batches until its JIT is quiet and every later server as many");
            System.err.println("       dogstatsd [--lines N] [--rate LINES_PER_SECOND (0 = full speed)] [--tocsin-jar PATH]");
            System.exit(2);
        }
        Map<String, String> opts = options(args);
        if (args[0].equals("dogstatsd")) {
            dogstatsd(opts);
            return;
        }
        if (args[0].equals("page-latency")) {
            PageLatency.run(opts);
            return;
        }
        if (args[0].equals("datadog")) {
            datadog(opts);
            return;
        }
        int series = Integer.parseInt(opts.getOrDefault("series", "10000"));
        int samples = Integer.parseInt(opts.getOrDefault("samples", "100"));
        int shards = Integer.parseInt(opts.getOrDefault("shards", "4"));
        int perRequest = Integer.parseInt(opts.getOrDefault("series-per-request", "2000"));
        int warmupSamples = Integer.parseInt(opts.getOrDefault("warmup", "0"));
        Path jar = Path.of(opts.getOrDefault("tocsin-jar", "tocsin-server/target/tocsin.jar"));
        List<String> peers = List.of(opts.getOrDefault("peers", "victoria-metrics,prometheus").split(","));
        // The range query is the 10k-series goal's; over a million series VictoriaMetrics refuses it by default.
        boolean query = opts.getOrDefault("query", series <= 100_000 ? "on" : "off").equals("on");

        long start = measuredStart(samples);
        List<RemoteWritePayloads.Shard> payload = RemoteWritePayloads.generate(series, samples, shards, perRequest,
                start, 42);
        int warmupSeries = Math.min(series, warmupSeries(opts));
        // Up to an hour of warm-up before the measured phase, within what Prometheus accepts as in order
        long window = 3_600_000;
        Warmup warmup = Warmup.of(k -> RemoteWritePayloads.generate("bench_warmup_", warmupSeries, warmupSamples,
                        shards, perRequest, Warmup.batchStart(start, window, warmupSamples, k), Warmup.STEP_MS, 7 + k),
                warmupSeries, warmupSamples, window, opts.getOrDefault("warmup-batches", "auto"));
        // --rounds N: the measured phase N times over, each round with its own series (the same shape, other metric
        // names, the same timestamps), so that the run-to-run noise of one short phase can be seen and a median taken
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));
        List<List<RemoteWritePayloads.Shard>> repeats = new ArrayList<>();
        for (int r = 1; r < rounds; r++) {
            repeats.add(RemoteWritePayloads.generate("bench_round" + r + "_", series, samples, shards, perRequest,
                    start, RemoteWritePayloads.STEP_MS, 42 + r));
        }
        long requests = payload.stream().mapToLong(s -> s.requests().size()).sum();
        long bytes = payload.stream().flatMap(s -> s.requests().stream()).mapToLong(b -> b.length).sum();
        long totalSamples = (long) series * samples;
        System.out.printf(Locale.ROOT, "remote-write: %,d series x %,d samples = %,d samples in %,d requests "
                + "(%.1f MiB snappy), %d shards%n", series, samples, totalSamples, requests, bytes / 1048576.0, shards);

        warmSender(payload, Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "snappy"));
        List<Result> results = new ArrayList<>();
        Workload write = new Workload("/api/v1/write", Map.of("Content-Type", "application/x-protobuf",
                "Content-Encoding", "snappy", "X-Prometheus-Remote-Write-Version", "0.1.0"), payload, warmup, repeats);
        if (warmupSamples > 0) {
            System.out.printf(Locale.ROOT, "warm-up before measuring: batches of %,d other series x %,d samples%n",
                    warmupSeries, warmupSamples);
        }
        if (Files.exists(jar)) {
            results.add(run("tocsin", tocsinCommand(jar), "/health", write,
                    query ? "/prometheus/api/v1/query_range" : null, Map.of("Authorization", "Bearer " + KEY),
                    totalSamples, start));
        } else {
            System.out.println("tocsin: " + jar + " not found; build it with ./mvnw -DskipTests package");
        }
        for (String peer : peers) {
            switch (peer.trim()) {
                case "victoria-metrics" -> results.add(run("victoria-metrics", List.of("victoria-metrics",
                        "-storageDataPath={DATA}", "-httpListenAddr=127.0.0.1:{PORT}", "-retentionPeriod=100y"),
                        "/health", write, query ? "/api/v1/query_range?nocache=1" : null, Map.of(), totalSamples,
                        start));
                case "prometheus" -> results.add(run("prometheus", List.of("prometheus",
                        "--config.file=/dev/null", "--storage.tsdb.path={DATA}",
                        "--web.listen-address=127.0.0.1:{PORT}", "--web.enable-remote-write-receiver"),
                        "/-/ready", write, query ? "/api/v1/query_range" : null, Map.of(), totalSamples, start));
                case "none", "" -> { }
                default -> System.out.println("unknown peer " + peer);
            }
        }
        print(results);
    }

    /**
     * Datadog series ingest: Tocsin's v2 JSON and v1 endpoints against VictoriaMetrics's Datadog endpoint (its
     * Debian version, 1.79, has only v1), with the same points.
     */
    private static void datadog(Map<String, String> opts) throws Exception {
        int series = Integer.parseInt(opts.getOrDefault("series", "10000"));
        int samples = Math.min(200, Integer.parseInt(opts.getOrDefault("samples", "100")));
        int shards = Integer.parseInt(opts.getOrDefault("shards", "4"));
        int perRequest = Integer.parseInt(opts.getOrDefault("series-per-request", "2000"));
        Path jar = Path.of(opts.getOrDefault("tocsin-jar", "tocsin-server/target/tocsin.jar"));
        long start = measuredStart(samples);
        List<RemoteWritePayloads.Shard> v1 = DatadogPayloads.generate(series, samples, shards, perRequest, start, 42,
                false);
        List<RemoteWritePayloads.Shard> v2 = DatadogPayloads.generate(series, samples, shards, perRequest, start, 42,
                true);
        int warmupSamples = Math.min(samples, Integer.parseInt(opts.getOrDefault("warmup", "0")));
        int warmupSeries = Math.min(series, warmupSeries(opts));
        // Datadog refuses points more than an hour old: the warm-up ends where the measured points begin and starts
        // early enough that the last server measured still sends it within the hour
        long window = Math.max(0, 50 * 60_000 - (System.currentTimeMillis() - start));
        Warmup v2Warmup = Warmup.of(k -> DatadogPayloads.generate("bench.warmup.", warmupSeries, warmupSamples, shards,
                        perRequest, Warmup.batchStart(start, window, warmupSamples, k), Warmup.STEP_MS, 7 + k, true),
                warmupSeries, warmupSamples, window, opts.getOrDefault("warmup-batches", "auto"));
        Warmup v1Warmup = v2Warmup.inFormat(k -> DatadogPayloads.generate("bench.warmup.", warmupSeries, warmupSamples,
                shards, perRequest, Warmup.batchStart(start, window, warmupSamples, k), Warmup.STEP_MS, 7 + k, false));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));
        List<List<RemoteWritePayloads.Shard>> v1Repeats = new ArrayList<>();
        List<List<RemoteWritePayloads.Shard>> v2Repeats = new ArrayList<>();
        for (int r = 1; r < rounds; r++) {
            v1Repeats.add(DatadogPayloads.generate("bench.round" + r + ".", series, samples, shards, perRequest, start,
                    RemoteWritePayloads.STEP_MS, 42 + r, false));
            v2Repeats.add(DatadogPayloads.generate("bench.round" + r + ".", series, samples, shards, perRequest, start,
                    RemoteWritePayloads.STEP_MS, 42 + r, true));
        }
        long totalSamples = (long) series * samples;
        System.out.printf(Locale.ROOT, "datadog series: %,d series x %,d points = %,d points; v1 %.1f MiB, v2 %.1f MiB "
                        + "of JSON; %d shards%n", series, samples, totalSamples, mib(v1), mib(v2), shards);
        Map<String, String> json = Map.of("Content-Type", "application/json");
        warmSender(v2, json);
        List<Result> results = new ArrayList<>();
        results.add(run("tocsin", tocsinCommand(jar), "/health", new Workload("/api/v2/series", json, v2, v2Warmup, v2Repeats), null,
                Map.of("DD-API-KEY", KEY), totalSamples, start));
        results.add(run("tocsin (v1)", tocsinCommand(jar), "/health", new Workload("/api/v1/series", json, v1, v1Warmup, v1Repeats), null,
                Map.of("DD-API-KEY", KEY), totalSamples, start));
        results.add(run("victoria-metrics", List.of("victoria-metrics", "-storageDataPath={DATA}",
                        "-httpListenAddr=127.0.0.1:{PORT}", "-retentionPeriod=100y"), "/health",
                new Workload("/datadog/api/v1/series", json, v1, v1Warmup, v1Repeats), null, Map.of(), totalSamples, start));
        print(results);
    }

    /**
     * Sends batches of 6,000 of the requests (again from the first when there are fewer) to a local sink that
     * discards them (the JDK's HTTP server), until the bench's own JIT compilers are quiet over a batch (at most
     * {@value #SENDER_WARMUP_BATCHES} batches), so that the bench's HTTP client is compiled before it measures anyone:
     * it shares the two cores with the server under test, and a client still compiling took up to 0.9 CPU s of a round
     * from the first server measured, and 0.1 from the later ones.
     */
    private static void warmSender(List<RemoteWritePayloads.Shard> payload, Map<String, String> headers)
            throws Exception {
        com.sun.net.httpserver.HttpServer sink = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
        sink.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
                exchange.sendResponseHeaders(204, -1);
            }
        });
        sink.setExecutor(Executors.newFixedThreadPool(payload.size()));
        sink.start();
        List<RemoteWritePayloads.Shard> cycled = new ArrayList<>();
        for (RemoteWritePayloads.Shard shard : payload) {
            List<byte[]> requests = new ArrayList<>();
            for (int i = 0; i < 6000 / payload.size(); i++) {
                requests.add(shard.requests().get(i % shard.requests().size()));
            }
            cycled.add(new RemoteWritePayloads.Shard(requests));
        }
        long t0 = System.nanoTime();
        LoadSender.Target target = LoadSender.Target.of(
                URI.create("http://127.0.0.1:" + sink.getAddress().getPort() + "/write"), headers);
        int batches = 0;
        double compiling;
        try {
            do {
                double jit0 = ownJitCpuSeconds();
                sendShards(cycled, target);
                compiling = ownJitCpuSeconds() - jit0;
                batches++;
            } while (compiling > 0.05 && batches < SENDER_WARMUP_BATCHES);
        } finally {
            sink.stop(0);
            ((ExecutorService) sink.getExecutor()).shutdown();
        }
        int sent = batches * cycled.stream().mapToInt(c -> c.requests().size()).sum();
        System.out.printf(Locale.ROOT, "sender warmed up: %,d requests to a local sink in %.1f s (its JIT compiled "
                + "for %.2f CPU s in the last batch)%n", sent, (System.nanoTime() - t0) / 1e9, compiling);
    }

    private static final int SENDER_WARMUP_BATCHES = 10;

    /** CPU seconds the bench's own JIT compiler threads have used. */
    private static double ownJitCpuSeconds() throws IOException {
        return Peer.threadCpuSeconds(ProcessHandle.current().pid(), Peer.JIT_THREADS);
    }

    private static double mib(List<RemoteWritePayloads.Shard> payload) {
        return payload.stream().flatMap(s -> s.requests().stream()).mapToLong(b -> b.length).sum() / 1048576.0;
    }

    /**
     * The JDK running the bench with the JVM options {@code bin/tocsin} gives the server ({@code bin/lib/jvm.options},
     * so the bench measures the server as it runs); the bench runs from the checkout's root.
     */
    static List<String> tocsinJvm() throws IOException {
        if (!Files.exists(JVM_OPTIONS)) {
            throw new IOException(JVM_OPTIONS + " not found: run the bench from the checkout's root");
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        for (String line : Files.readAllLines(JVM_OPTIONS)) {
            String options = line.replaceAll("#.*", "").strip();
            if (!options.isEmpty()) {
                command.addAll(List.of(options.split("\\s+")));
            }
        }
        return command;
    }

    private static List<String> tocsinCommand(Path jar) throws IOException {
        return tocsinCommand(jar, "off");
    }

    /**
     * The Tocsin server under test, on the JDK running the bench. {@code -Dbench.tocsinJvmArgs="..."} adds JVM
     * arguments (space-separated), e.g. {@code -XX:StartFlightRecording=filename=rw.jfr,settings=profile} to
     * profile the server during the run.
     */
    private static List<String> tocsinCommand(Path jar, String statsdAddr) throws IOException {
        List<String> command = tocsinJvm();
        String extra = System.getProperty("bench.tocsinJvmArgs", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.add("-XX:-UseDynamicNumberOfCompilerThreads"); // see jitCpuSeconds
        command.addAll(List.of("-jar", jar.toString(), "server", "--data-dir", "{DATA}", "--http-addr",
                "127.0.0.1:{PORT}", "--statsd-addr", statsdAddr, "--bootstrap-api-key", KEY));
        return command;
    }

    /**
     * What to send: the write path, the content headers, the pre-encoded requests per shard, and the warm-up requests
     * sent before measuring (other metric names, so the measured requests still create their series), with the
     * number of samples they hold; {@code repeats}: further measured rounds of as many samples as {@code shards}
     * (the figures reported are the median round's).
     */
    record Workload(String path, Map<String, String> contentHeaders, List<RemoteWritePayloads.Shard> shards,
                    Warmup warmup, List<List<RemoteWritePayloads.Shard>> repeats) {
    }

    /**
     * One measured round: wall-clock and CPU seconds, the JIT's part of the CPU, failed requests, and the CPU the
     * bench itself used sending (it shares the machine's cores with the server, so it bounds the wall-clock rate).
     */
    private record Round(double wall, double cpu, double jit, int failures, double clientCpu) {
    }

    private static double benchCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private static Round measure(Peer peer, Workload workload, List<RemoteWritePayloads.Shard> shards)
            throws Exception {
        // -Dbench.threads=true: where each round's CPU went, by thread name (a JVM peer's request carriers, WAL,
        // maintenance, GC and compiler threads; a Go peer's OS threads)
        boolean byThread = Boolean.getBoolean("bench.threads");
        long self = ProcessHandle.current().pid();
        Map<String, Double> threads0 = byThread ? peer.threadCpuByName() : Map.of();
        Map<String, Double> ownThreads0 = byThread ? Peer.threadCpuByName(self) : Map.of();
        double cpu0 = peer.cpuSeconds();
        double jit0 = jitCpuSeconds(peer);
        double client0 = benchCpuSeconds();
        long t0 = System.nanoTime();
        int failures = sendAll(peer, workload, shards);
        double wall = (System.nanoTime() - t0) / 1e9;
        Round round = new Round(wall, peer.cpuSeconds() - cpu0, jitCpuSeconds(peer) - jit0, failures,
                benchCpuSeconds() - client0);
        if (byThread) {
            printThreadCpu(peer.name + " CPU s by thread:", threads0, peer.threadCpuByName());
            printThreadCpu("  the bench sending to " + peer.name + ":", ownThreads0, Peer.threadCpuByName(self));
        }
        return round;
    }

    private static void printThreadCpu(String title, Map<String, Double> before, Map<String, Double> after) {
        StringBuilder line = new StringBuilder(title);
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() >= 0.01)
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> line.append(String.format(Locale.ROOT, " %s %.2f,", e.getKey(), e.getValue())));
        System.out.println(line.substring(0, line.length() - 1));
    }

    private static void dogstatsd(Map<String, String> opts) throws Exception {
        Path jar = Path.of(opts.getOrDefault("tocsin-jar", "tocsin-server/target/tocsin.jar"));
        int lines = Integer.parseInt(opts.getOrDefault("lines", "2000000"));
        int rate = Integer.parseInt(opts.getOrDefault("rate", "0"));
        int statsdPort = Peer.freePort();
        try (Peer tocsin = Peer.start("tocsin", tocsinCommand(jar, "127.0.0.1:" + statsdPort), "/health", "/api/v1/write",
                Map.of("Authorization", "Bearer " + KEY))) {
            DogStatsdBench.run(tocsin, statsdPort, lines, rate, KEY);
        }
    }

    /** One server's figures; {@code jitCpuSeconds} is the part of {@code cpuSeconds} its JIT compiler used. */
    record Result(String name, String status, double wallSeconds, double cpuSeconds, long rssBytes, long diskBytes,
                  long samples, long storedSamples, RangeQuery.Timing query, double jitCpuSeconds) {
        Result(String name, String status, long samples) {
            this(name, status, 0, 0, 0, 0, samples, samples, null, 0);
        }

        /** Samples per CPU-second left once the JIT's compiling is taken out: what a long-running server spends. */
        double samplesPerCpuSecondWithoutJit() {
            return samples / (cpuSeconds - jitCpuSeconds);
        }

        double samplesPerSecond() {
            return samples / wallSeconds;
        }

        double samplesPerCpuSecond() {
            return samples / cpuSeconds;
        }
    }

    private static Result run(String name, List<String> command, String ready, Workload workload, String queryPath,
                              Map<String, String> headers, long samples, long startMs) {
        List<RemoteWritePayloads.Shard> payload = workload.shards();
        if (!command.get(0).startsWith("/") && !onPath(command.get(0))) {
            return new Result(name, "not installed (apt-get install " + name + ")", samples);
        }
        try (Peer peer = Peer.start(name, command, ready, workload.path(), headers)) {
            HttpClient http = newClient();
            // Probe with the first request: a server without the route is reported, not measured.
            int probe;
            try (LoadSender sender = new LoadSender(target(peer, workload))) {
                probe = sender.post(payload.get(0).requests().get(0));
            }
            if (probe >= 300) {
                return new Result(name, "write answered " + probe, samples);
            }
            int warmupBatches = warmUp(peer, workload);
            if (warmupBatches < 0) {
                return new Result(name, "warm-up requests failed", samples);
            }
            List<Round> rounds = new ArrayList<>();
            rounds.add(measure(peer, workload, payload));
            for (List<RemoteWritePayloads.Shard> repeat : workload.repeats()) {
                rounds.add(measure(peer, workload, repeat));
            }
            if (rounds.size() > 1) {
                for (int r = 0; r < rounds.size(); r++) {
                    Round x = rounds.get(r);
                    System.out.printf(Locale.ROOT, "%s round %d: wall %.2f s, CPU %.2f s (JIT %.2f), %,.0f samples/CPU-s, "
                            + "%,.0f without the JIT; the bench sending: %.2f CPU s%n", name, r + 1, x.wall, x.cpu,
                            x.jit, samples / x.cpu, samples / (x.cpu - x.jit), x.clientCpu);
                }
            }
            int failures = rounds.stream().mapToInt(Round::failures).sum();
            Round median = rounds.stream().sorted(java.util.Comparator.comparingDouble(Round::cpu)).toList()
                    .get(rounds.size() / 2);
            double wall = median.wall;
            double cpu = median.cpu;
            double jit = median.jit;
            long rss = peer.rssBytes();
            int settle = Integer.getInteger("bench.settleSeconds", 0);
            if (settle > 0) {
                // Right after a burst a JVM's heap is as large as the burst made it; what it keeps once idle is what
                // a server holds between bursts.
                Thread.sleep(settle * 1000L);
                System.out.printf(Locale.ROOT, "%s RSS %.1f MiB right after the measured phase, %.1f MiB after %d s "
                        + "idle%n", peer.name, rss / 1048576.0, peer.rssBytes() / 1048576.0, settle);
            }
            String metricFilter = System.getProperty("bench.tocsinMetrics", "");
            if (peer.name.startsWith("tocsin") && !metricFilter.isEmpty()) {
                // e.g. -Dbench.tocsinMetrics=series_cache: the server's own counters after the measured phase
                HttpResponse<String> m = http.send(HttpRequest.newBuilder(peer.uri("/metrics"))
                        .header("Authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString());
                m.body().lines().filter(l -> !l.startsWith("#") && l.contains(metricFilter))
                        .forEach(l -> System.out.println(peer.name + " " + l));
            }
            if (peer.name.startsWith("tocsin") && Boolean.getBoolean("bench.heapHistogram")) {
                System.out.print(peer.name + " heap after the measured phase (live objects, jcmd GC.class_histogram):\n"
                        + peer.heapHistogram(30));
            }
            RangeQuery.Timing query = null;
            if (queryPath != null) {
                settleForQuery(http, peer);
                query = RangeQuery.measure(http, peer, queryPath, startMs);
            }
            // On disk at rest: each server is asked to write what it holds in memory to its long-term format where
            // it can be (Tocsin: the head into blocks; VictoriaMetrics: its in-memory parts), then stopped as an
            // operator stops it (SIGTERM). Prometheus has no such call: its figure is the WAL.
            flush(http, peer);
            peer.stop();
            long disk = peer.diskBytes();
            if (peer.name.startsWith("tocsin") && Boolean.getBoolean("bench.diskBreakdown")) {
                System.out.print(peer.name + " on disk:\n" + peer.diskBreakdown("tsdb"));
            }
            // bytes per sample over everything stored, the warm-up included
            return new Result(name, failures == 0 ? "ok" : failures + " failed requests", wall, cpu, rss, disk, samples,
                    samples * rounds.size() + warmupBatches * workload.warmup().samplesPerBatch(), query, jit);
        } catch (Exception e) {
            return new Result(name, "error: " + e.getMessage(), samples);
        }
    }

    /**
     * CPU seconds Tocsin's JIT compiler threads have used so far (0 for the peers, which are compiled ahead of time).
     * A JVM compiles its hot code during the first seconds of load, which a short measured phase pays for and a
     * long-running server does not; the bench starts Tocsin with a fixed set of compiler threads so that none exits
     * with its time uncounted.
     */
    private static double jitCpuSeconds(Peer peer) throws IOException {
        return peer.name.startsWith("tocsin") ? peer.threadCpuSeconds(Peer.JIT_THREADS) : 0;
    }

    /** Asks the server to write its in-memory data to its on-disk format, where it has a way to. */
    /**
     * {@code -Dbench.queryState}: what each server's store looks like when the range query runs.
     * <ul>
     *   <li>{@code live} (default): right after the measured phase, whatever the servers' background work has done
     *       by then.</li>
     *   <li>{@code settled}: each server as it would be an hour into steady ingest. VictoriaMetrics flushes its
     *       in-memory parts and merges them (it merges continuously in the background, and its query time depends on
     *       whether that merge has finished); Tocsin and Prometheus keep the last hours in their in-memory heads by
     *       design, so they are left as they are.</li>
     *   <li>{@code rest}: every server's data in its long-term format (Tocsin: blocks on disk; VictoriaMetrics:
     *       flushed and merged parts; Prometheus: its head, having no such call), as for a query over older data.</li>
     * </ul>
     */
    private static void settleForQuery(HttpClient http, Peer peer) throws IOException, InterruptedException {
        String state = System.getProperty("bench.queryState", "live");
        switch (state) {
            case "live" -> {
                return;
            }
            case "settled", "rest" -> {
                if (peer.name.equals("victoria-metrics")) {
                    flush(http, peer);
                    mergeVictoriaMetrics(http, peer);
                } else if (state.equals("rest")) {
                    flush(http, peer);
                }
            }
            default -> throw new IllegalArgumentException("bench.queryState is live, settled or rest, not " + state);
        }
        System.out.println(peer.name + ": range query on a " + state + " store");
    }

    /** Asks VictoriaMetrics to merge every partition and waits (up to 2 min) until no merge is running. */
    private static void mergeVictoriaMetrics(HttpClient http, Peer peer) throws IOException, InterruptedException {
        http.send(HttpRequest.newBuilder(peer.uri("/internal/force_merge")).timeout(Duration.ofMinutes(5)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            String metrics = http.send(HttpRequest.newBuilder(peer.uri("/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (sumOf(metrics, "vm_active_force_merges") + sumOf(metrics, "vm_active_merges") == 0) {
                System.out.printf(Locale.ROOT, "%s: merged into %.0f data parts%n", peer.name,
                        sumOf(metrics, "vm_parts{type=\"storage/"));
                return;
            }
            Thread.sleep(200);
        }
        System.out.println(peer.name + ": merges still running after 2 minutes");
    }

    /** The sum of the values of the exposition-format lines starting with {@code prefix}. */
    private static double sumOf(String metrics, String prefix) {
        return metrics.lines().filter(l -> l.startsWith(prefix))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static void flush(HttpClient http, Peer peer) throws IOException, InterruptedException {
        HttpRequest.Builder b;
        if (peer.name.startsWith("tocsin")) {
            b = HttpRequest.newBuilder(peer.uri("/api/tocsin/admin/tsdb/flush"))
                    .header("Authorization", "Bearer " + KEY).POST(HttpRequest.BodyPublishers.noBody());
        } else if (peer.name.equals("victoria-metrics")) {
            b = HttpRequest.newBuilder(peer.uri("/internal/force_flush")).GET();
        } else {
            return;
        }
        HttpResponse<String> r = http.send(b.timeout(Duration.ofMinutes(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            System.out.println(peer.name + ": flush answered " + r.statusCode() + " " + r.body());
        }
    }

    /**
     * Sends {@code workload}'s warm-up batches (see {@link Warmup}) and returns how many, or -1 when a request failed.
     */
    private static int warmUp(Peer peer, Workload workload) throws Exception {
        Warmup warmup = workload.warmup();
        boolean compiles = peer.name.startsWith("tocsin");
        int sent = 0;
        int quiet = 0;
        double lastJit = 0;
        double lastCpu = 0;
        long t0 = System.nanoTime();
        while (warmup.wantsMore(sent, quiet, compiles)) {
            List<RemoteWritePayloads.Shard> batch = warmup.batch(sent);
            double cpu0 = peer.cpuSeconds();
            double jit0 = jitCpuSeconds(peer);
            if (sendAll(peer, workload, batch) > 0) {
                return -1;
            }
            lastCpu = peer.cpuSeconds() - cpu0;
            lastJit = jitCpuSeconds(peer) - jit0;
            quiet = lastJit <= Warmup.QUIET_SHARE * lastCpu ? quiet + 1 : 0;
            sent++;
        }
        warmup.sent(sent);
        if (sent > 0) {
            System.out.printf(Locale.ROOT, "%s warmed up: %d batches, %,d samples in %.1f s%s%n", peer.name, sent,
                    sent * warmup.samplesPerBatch(), (System.nanoTime() - t0) / 1e9, compiles ? String.format(
                            Locale.ROOT, "; its JIT used %.2f of its %.2f CPU s in the last batch", lastJit, lastCpu)
                            : "");
        }
        return sent;
    }

    /** Sends each shard's requests in order, the shards in parallel; returns how many were not answered 2xx. */
    private static int sendAll(Peer peer, Workload workload, List<RemoteWritePayloads.Shard> shards)
            throws Exception {
        return sendShards(shards, target(peer, workload));
    }

    /** Where {@code workload} goes on {@code peer}, with its content headers and the peer's own (authorization). */
    private static LoadSender.Target target(Peer peer, Workload workload) {
        Map<String, String> headers = new java.util.LinkedHashMap<>(workload.contentHeaders());
        headers.putAll(peer.headers);
        return LoadSender.Target.of(peer.uri(peer.writePath), headers);
    }

    /**
     * Each shard's requests in order over its own connection to {@code target}, the shards in parallel; how many were
     * not answered 2xx.
     */
    private static int sendShards(List<RemoteWritePayloads.Shard> shards, LoadSender.Target target) throws Exception {
        if (shards.isEmpty()) {
            return 0;
        }
        ExecutorService pool = Executors.newFixedThreadPool(shards.size());
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (RemoteWritePayloads.Shard shard : shards) {
                futures.add(pool.submit(() -> {
                    int failures = 0;
                    try (LoadSender sender = new LoadSender(target)) {
                        for (byte[] body : shard.requests()) {
                            if (sender.post(body) >= 300) {
                                failures++;
                            }
                        }
                    }
                    return failures;
                }));
            }
            int failures = 0;
            for (Future<Integer> f : futures) {
                failures += f.get();
            }
            return failures;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * The bench's HTTP client: HTTP/1.1 as Prometheus and the Datadog Agent send (Java's client would otherwise offer
     * every server an h2c upgrade, which only some accept, and then pay HTTP/2's framing on one side of the
     * comparison).
     */
    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static void print(List<Result> results) {
        Result base = results.stream().filter(r -> r.name().equals("tocsin") && r.status().equals("ok")).findFirst()
                .orElse(null);
        System.out.printf(Locale.ROOT, "%-17s %-10s %12s %14s %9s %16s %9s %10s %12s%n", "server", "status", "wall s",
                "samples/s", "CPU s", "samples/CPU-s", "RSS MiB", "disk MiB", "bytes/sample");
        for (Result r : results) {
            if (!r.status().equals("ok")) {
                System.out.printf(Locale.ROOT, "%-17s %s%n", r.name(), r.status());
                continue;
            }
            System.out.printf(Locale.ROOT, "%-17s %-10s %12.2f %14.0f %9.2f %16.0f %9.1f %10.1f %12.2f%n", r.name(),
                    r.status(), r.wallSeconds(), r.samplesPerSecond(), r.cpuSeconds(), r.samplesPerCpuSecond(),
                    r.rssBytes() / 1048576.0, r.diskBytes() / 1048576.0, r.diskBytes() / (double) r.storedSamples());
        }
        if (base != null && base.jitCpuSeconds() > 0) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "tocsin's JIT compiler threads used %.2f "
                            + "of its %.2f CPU s (compiling hot code, which a long-running server has done); without "
                            + "them: %,.0f samples/CPU-s", base.jitCpuSeconds(), base.cpuSeconds(),
                    base.samplesPerCpuSecondWithoutJit()));
            for (Result r : results) {
                if (r != base && r.status().equals("ok")) {
                    line.append(String.format(Locale.ROOT, ", x%.2f of %s", base.samplesPerCpuSecondWithoutJit()
                            / r.samplesPerCpuSecond(), r.name()));
                }
            }
            System.out.println(line);
        }
        if (results.stream().noneMatch(r -> r.query() != null)) {
            printRatios(results);
            return;
        }
        System.out.println("range query: " + RangeQuery.QUERY + " over 1 h at 15 s steps, "
                + RangeQuery.RUNS + " runs after " + RangeQuery.WARMUP + " warm-up, no result cache");
        System.out.printf(Locale.ROOT, "%-17s %12s %12s %14s  %s%n", "server", "median ms", "min ms", "CPU ms/query",
                "result");
        for (Result r : results) {
            if (r.query() != null) {
                System.out.printf(Locale.ROOT, "%-17s %12.1f %12.1f %14.1f  %s%n", r.name(), r.query().medianMs(),
                        r.query().minMs(), r.query().cpuMsPerQuery(), r.query().shape());
            }
        }
        printRatios(results);
    }

    private static void printRatios(List<Result> results) {
        Result base = results.stream().filter(r -> r.name().equals("tocsin") && r.status().equals("ok")).findFirst()
                .orElse(null);
        if (base != null) {
            System.out.println("ratios (tocsin / peer; >1 means tocsin is better for rates, worse for sizes):");
            for (Result r : results) {
                if (r != base && r.status().equals("ok")) {
                    System.out.printf(Locale.ROOT, "  vs %-15s samples/s x%.2f  samples/CPU-s x%.2f  RSS x%.2f  "
                                    + "bytes/sample x%.2f%n", r.name(), base.samplesPerSecond() / r.samplesPerSecond(),
                            base.samplesPerCpuSecond() / r.samplesPerCpuSecond(), base.rssBytes() / (double) r.rssBytes(),
                            base.diskBytes() / (double) r.diskBytes());
                    if (base.query() != null && r.query() != null) {
                        System.out.printf(Locale.ROOT, "  vs %-15s range query median x%.2f (peer/tocsin; >1 means "
                                        + "tocsin is faster)  CPU x%.2f%n", r.name(),
                                r.query().medianMs() / base.query().medianMs(),
                                r.query().cpuMsPerQuery() / base.query().cpuMsPerQuery());
                    }
                }
            }
        }
    }

    static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            m.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return m;
    }
}
