package tocsin.server;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The launch contract, exercised on the real jar in a separate process: flags and their defaults, exit codes and
 * messages for bad input, startup on an empty data dir, SIGTERM, and a second process on a locked data dir.
 */
class LaunchIT {
    /** Own threads for draining pipes: the common pool has a single thread on a 2-core machine. */
    private static final java.util.concurrent.ExecutorService PIPES = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "launch-it-pipe");
        t.setDaemon(true);
        return t;
    });
    private static final Pattern READY = Pattern.compile("Tocsin is ready at (\\S+) \\(HTTP on port (\\d+)");
    static Path jar;

    @BeforeAll
    static void findJar() {
        jar = Path.of("target", "tocsin.jar").toAbsolutePath();
        assumeTrue(Files.exists(jar), "the server jar is built in the package phase; run through ./mvnw verify");
    }

    record Result(int exit, String out, String err) {
    }

    static Process launch(Path dir, Map<String, String> env, String... args) throws IOException {
        return launch(dir, env, false, args);
    }

    /** Starts the jar; with {@code mergeErr}, its standard error comes through its standard output. */
    static Process launch(Path dir, Map<String, String> env, boolean mergeErr, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(launcherJvmOptions());
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(mergeErr);
        pb.environment().keySet().removeIf(k -> k.startsWith("TOCSIN_"));
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The JVM options {@code bin/tocsin} starts the server with ({@code bin/lib/jvm.options}), so the tests do too. */
    static List<String> launcherJvmOptions() throws IOException {
        return Files.readAllLines(Path.of("..", "bin", "lib", "jvm.options")).stream()
                .map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty())
                .flatMap(l -> java.util.Arrays.stream(l.split("\\s+"))).toList();
    }

    /** A server started from the jar, and the port it listens on. */
    record Running(Process process, int port) {
    }

    private static final Pattern LISTENING = Pattern.compile("HTTP on port (\\d+)");

    /**
     * Starts {@code tocsin server} on {@code data} (HTTP on a free port, no DogStatsD, the given bootstrap key and
     * any further arguments) and returns once it listens; its output is copied to this JVM's standard output from
     * then on (the test report keeps it, prefixed {@code [server]}), so a chatty server never blocks on a full pipe
     * and a failure can be read in the server's own log.
     */
    static Running startServer(Path dir, Path data, String key, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("server", "--data-dir", data.toString(), "--http-addr",
                "127.0.0.1:0", "--statsd-addr", "off", "--bootstrap-api-key", key));
        args.addAll(List.of(more));
        Process p = launch(dir, Map.of(), true, args.toArray(String[]::new)); // both streams drained, or it blocks
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        out.lines().forEach(l -> System.out.println("[server] " + l));
                    } catch (java.io.UncheckedIOException closed) {
                        // the process was killed and its pipe closed
                    }
                });
                return new Running(p, Integer.parseInt(m.group(1)));
            }
        }
        throw new AssertionError("server did not start");
    }

    static Result run(Path dir, Map<String, String> env, String... args) throws Exception {
        Process p = launch(dir, env, args);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> slurp(p.getInputStream()), PIPES);
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> slurp(p.getErrorStream()), PIPES);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tocsin " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    static String slurp(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void helpListsEveryFlagWithItsDefault(@TempDir Path dir) throws Exception {
        Result top = run(dir, Map.of(), "--help");
        assertThat(top.exit()).isZero();
        assertThat(top.out()).contains("server", "keys");
        Result r = run(dir, Map.of(), "server", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--data-dir", "default: ./tocsin-data")
                .contains("--http-addr", "default: 127.0.0.1:8080")
                .contains("--statsd-addr", "default: 127.0.0.1:8125")
                .contains("--syslog-addr", "default: off")
                .contains("--public-url", "--config", "--database-url", "--bootstrap-api-key",
                        "--bootstrap-admin-password", "TOCSIN_");
    }

    @Test
    void badInputExitsNonZeroWithOneClearMessage(@TempDir Path dir) throws Exception {
        Result unknown = run(dir, Map.of(), "server", "--no-such-flag");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option: '--no-such-flag'");

        Result addr = run(dir, Map.of(), "server", "--http-addr", "localhost:99999");
        assertThat(addr.exit()).isEqualTo(2);
        assertThat(addr.err()).contains("--http-addr: port 99999 is outside 0-65535");

        Result envAddr = run(dir, Map.of("TOCSIN_STATSD_ADDR", "nonsense"), "server");
        assertThat(envAddr.exit()).isEqualTo(2);
        assertThat(envAddr.err()).contains("--statsd-addr: expected HOST:PORT or off");

        Path config = Files.writeString(dir.resolve("bad.yaml"),
                "notify:\n  email:\n    smtp_port: abc\n  pager: {}\nmonitorz: []\n");
        Result cfg = run(dir, Map.of(), "server", "--config", config.toString());
        assertThat(cfg.exit()).isEqualTo(2);
        assertThat(cfg.err()).contains("has 5 problems")
                .contains("notify.email.smtp_host: is required")
                .contains("notify.email.smtp_port: must be an integer")
                .contains("notify.email.from: is required")
                .contains("notify.pager: unknown key")
                .contains("monitorz: unknown key");

        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        Result dataDir = run(dir, Map.of(), "server", "--data-dir", file.resolve("sub").toString(),
                "--http-addr", "127.0.0.1:0", "--statsd-addr", "off");
        assertThat(dataDir.exit()).isEqualTo(1);
        assertThat(dataDir.err()).contains("a file is in the way");
    }

    @Test
    void startsOnAnEmptyDataDirStopsOnSigtermAndLocksTheDataDir(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        long started = System.nanoTime();
        Process server = launch(dir, Map.of("TOCSIN_HTTP_ADDR", "127.0.0.1:0", "TOCSIN_STATSD_ADDR", "off"),
                "server", "--data-dir", data.toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> slurp(server.getErrorStream()), PIPES);
            StringBuilder printed = new StringBuilder();
            String line;
            Matcher ready = null;
            while ((line = out.readLine()) != null) {
                printed.append(line).append('\n');
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    ready = m;
                    break;
                }
            }
            assertThat(ready).as("ready line in: " + printed).isNotNull();
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(seconds).as("startup seconds").isLessThan(15);
            // Generated credentials are printed once.
            assertThat(printed).contains("admin API key:", "admin@localhost");
            int port = Integer.parseInt(ready.group(2));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");

            Result second = run(dir, Map.of(), "server", "--data-dir", data.toString(), "--http-addr", "127.0.0.1:0",
                    "--statsd-addr", "off");
            assertThat(second.exit()).isEqualTo(1);
            assertThat(second.err()).contains("is in use by another Tocsin process", "pid=" + server.pid());
            assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            server.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its pipes)
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
            assertThat(server.exitValue()).isIn(0, 143);
            assertThat(err.get(5, TimeUnit.SECONDS)).contains("Stopping: finishing in-flight requests", "Stopped",
                    "Heap governor on"); // with bin/tocsin's JVM options
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void theLauncherScriptFindsAJdkAndRunsTheJar(@TempDir Path dir) throws Exception {
        Path script = Path.of("..", "bin", "tocsin").toAbsolutePath().normalize();
        assumeTrue(Files.isExecutable(script), "bin/tocsin not found beside this module");
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--version").directory(dir.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = slurp(p.getInputStream());
        String err = slurp(p.getErrorStream());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(out).startsWith("tocsin ").contains("Java " + Runtime.version().feature());

        ProcessBuilder tooOld = new ProcessBuilder("sh", "-c", ". \"$0\"; tocsin_find_jdk",
                Path.of("..", "bin", "lib", "jdk.sh").toAbsolutePath().normalize().toString());
        tooOld.environment().put("TOCSIN_MIN_JAVA", "99");
        Process q = tooOld.start();
        String qerr = slurp(q.getErrorStream());
        assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(q.exitValue()).isEqualTo(1);
        assertThat(qerr).contains("no JDK 99 or newer found", "set JAVA_HOME");
    }

    @Test
    void keysCanBeManagedFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Result fresh = run(dir, Map.of(), "keys", "list", "--data-dir", data.toString());
        assertThat(fresh.exit()).isEqualTo(1);
        assertThat(fresh.err()).contains("No Tocsin data dir at");
        TestServer.startOn(data, c -> c).close();

        Result created = run(dir, Map.of(), "keys", "create", "--data-dir", data.toString(), "--scope", "ingest,read",
                "--name", "agent");
        assertThat(created.exit()).as(created.err()).isZero();
        String secret = created.out().trim();
        assertThat(secret).matches("[0-9a-f]{32}");
        assertThat(created.err()).contains("shown only once");

        Result listed = run(dir, Map.of(), "keys", "list", "--data-dir", data.toString());
        assertThat(listed.out()).contains("agent", "ingest,read").doesNotContain(secret);
        String id = listed.out().lines().filter(l -> l.contains("agent")).findFirst().orElseThrow().split("\\s+")[0];

        Result badScope = run(dir, Map.of(), "keys", "create", "--data-dir", data.toString(), "--scope", "root");
        assertThat(badScope.exit()).isEqualTo(2);
        assertThat(badScope.err()).contains("unknown scope 'root'");

        assertThat(run(dir, Map.of(), "keys", "revoke", "--data-dir", data.toString(), id).exit()).isZero();
        assertThat(run(dir, Map.of(), "keys", "revoke", "--data-dir", data.toString(), id).exit()).isEqualTo(1);
    }
}
