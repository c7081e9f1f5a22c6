package tocsin.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A server under measurement, run as a child process on a free port with a fresh data directory: Tocsin itself or
 * a peer installed from Debian's packages. Reads its CPU time and resident memory from {@code /proc}, and its
 * footprint on disk. Not thread-safe.
 */
final class Peer implements AutoCloseable {
    private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

    final String name;
    final int port;
    final Path dataDir;
    final String writePath;
    final Map<String, String> headers;
    private final Process process;

    private Peer(String name, int port, Path dataDir, String writePath, Map<String, String> headers, Process process) {
        this.name = name;
        this.port = port;
        this.dataDir = dataDir;
        this.writePath = writePath;
        this.headers = headers;
        this.process = process;
    }

    /** Starts {@code command} (with {PORT} and {DATA} substituted) and waits until {@code readyPath} answers 200. */
    static Peer start(String name, List<String> command, String readyPath, String writePath,
                      Map<String, String> headers) throws IOException, InterruptedException {
        int port = freePort();
        Path data = Files.createTempDirectory("tocsin-bench-" + name.toLowerCase(java.util.Locale.ROOT) + "-");
        List<String> cmd = new ArrayList<>();
        for (String c : command) {
            cmd.add(c.replace("{PORT}", Integer.toString(port)).replace("{DATA}", data.toString()));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile()).start();
        Peer peer = new Peer(name, port, data, writePath, headers, p);
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException(name + " exited at startup (" + p.exitValue() + "); see "
                        + data.resolveSibling(data.getFileName() + ".log"));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(peer.uri(readyPath)).timeout(Duration.ofSeconds(2))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return peer;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        peer.close();
        throw new IOException(name + " did not become ready within 60 s");
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** User + system CPU seconds the process has used so far. */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS_PER_SECOND;
    }

    /**
     * User + system CPU seconds used so far by the process's threads whose name starts with one of {@code prefixes}
     * (Linux {@code /proc/PID/task/TID/comm}); threads that have exited are not counted, so only use it for threads
     * that live as long as the process.
     */
    double threadCpuSeconds(String... prefixes) throws IOException {
        return threadCpuSeconds(process.pid(), prefixes);
    }

    /** As {@link #threadCpuSeconds(String...)}, for any process of this machine (the bench's own, say). */
    static double threadCpuSeconds(long pid, String... prefixes) throws IOException {
        return threadCpu(pid, java.util.function.UnaryOperator.identity()).entrySet().stream()
                .filter(e -> Stream.of(prefixes).anyMatch(e.getKey()::startsWith))
                .mapToDouble(java.util.Map.Entry::getValue).sum();
    }

    /** The names HotSpot's JIT compiler threads start with. */
    static final String[] JIT_THREADS = {"C1 CompilerThre", "C2 CompilerThre"};

    /**
     * CPU seconds used so far by the live threads, summed by thread name with its digits taken out (so that
     * {@code GC Thread#0} and {@code GC Thread#1} count together); threads that ended are not counted.
     */
    java.util.Map<String, Double> threadCpuByName() throws IOException {
        return threadCpuByName(process.pid());
    }

    /** As {@link #threadCpuByName()}, for any process of this machine (the bench's own, say). */
    static java.util.Map<String, Double> threadCpuByName(long pid) throws IOException {
        return threadCpu(pid, comm -> comm.replaceAll("[0-9]+", ""));
    }

    /** CPU seconds of the live threads, summed by {@code name} of each thread's {@code comm}. */
    private java.util.Map<String, Double> threadCpu(java.util.function.UnaryOperator<String> name) throws IOException {
        return threadCpu(process.pid(), name);
    }

    private static java.util.Map<String, Double> threadCpu(long pid, java.util.function.UnaryOperator<String> name)
            throws IOException {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : s.toList()) {
                try {
                    String comm = name.apply(Files.readString(task.resolve("comm")).strip());
                    String stat = Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(comm, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) CLOCK_TICKS_PER_SECOND,
                            Double::sum);
                } catch (IOException gone) {
                    // the thread ended while being read
                }
            }
        }
        return out;
    }

    /** The first {@code lines} lines of a JVM peer's class histogram of live objects (which runs a full GC). */
    String heapHistogram(int lines) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        jcmd.waitFor();
        return out.lines().limit(lines).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
    }

    /** Resident set size in bytes. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    long diskBytes() throws IOException {
        try (Stream<Path> s = Files.walk(dataDir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    /** Bytes on disk under each entry of the data directory, and under each entry of {@code sub}, largest first. */
    String diskBreakdown(String... sub) throws IOException {
        StringBuilder out = new StringBuilder();
        List<Path> dirs = new ArrayList<>(List.of(dataDir));
        for (String s : sub) {
            dirs.add(dataDir.resolve(s));
        }
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                for (Path e : entries.sorted().toList()) {
                    long bytes;
                    try (Stream<Path> files = Files.walk(e)) {
                        bytes = files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
                    }
                    out.append(String.format(java.util.Locale.ROOT, "  %-40s %,14d bytes%n",
                            dataDir.relativize(e), bytes));
                }
            }
        }
        return out.toString();
    }

    /** Stops the server as an operator would (SIGTERM), letting it flush what it buffers; idempotent. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> s = Files.walk(dataDir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // temp dir
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
