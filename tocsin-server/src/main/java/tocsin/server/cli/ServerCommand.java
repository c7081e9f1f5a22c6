package tocsin.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tocsin.server.Server;
import tocsin.server.ServerConfig;
import tocsin.server.StartupException;
import tocsin.server.auth.Bootstrap;
import tocsin.server.config.ConfigException;
import tocsin.server.config.ConfigLoader;
import tocsin.server.config.TocsinConfig;
import tocsin.server.datadir.DataDirException;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code tocsin server}: runs the server until SIGTERM or SIGINT, then stops gracefully. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 120,
        description = "Run the Tocsin server on a data directory.",
        footer = {"", "Each flag can also be set by environment variable TOCSIN_<NAME> (dashes as underscores, "
                + "e.g. TOCSIN_HTTP_ADDR=0.0.0.0:8080).", "Flags win over the environment. "
                + "Notification providers are configured in the --config file under notify:."})
final class ServerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:TOCSIN_DATA_DIR:-./tocsin-data}",
            description = "Data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--http-addr", paramLabel = "HOST:PORT", defaultValue = "${env:TOCSIN_HTTP_ADDR:-127.0.0.1:8080}",
            description = "HTTP listen address; port 0 picks a free port (default: ${DEFAULT-VALUE}).")
    String httpAddr;

    @Option(names = "--statsd-addr", paramLabel = "HOST:PORT|off",
            defaultValue = "${env:TOCSIN_STATSD_ADDR:-127.0.0.1:8125}",
            description = "DogStatsD UDP listen address, or off (default: ${DEFAULT-VALUE}).")
    String statsdAddr;

    @Option(names = "--syslog-addr", paramLabel = "HOST:PORT|off", defaultValue = "${env:TOCSIN_SYSLOG_ADDR:-off}",
            description = "Syslog listen address, or off (default: ${DEFAULT-VALUE}).")
    String syslogAddr;

    @Option(names = "--public-url", paramLabel = "URL", defaultValue = "${env:TOCSIN_PUBLIC_URL}",
            description = "The address people reach Tocsin at, used in every link it sends "
                    + "(default: http://<http-addr>).")
    String publicUrl;

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:TOCSIN_CONFIG}",
            description = "Declarative YAML configuration (default: none).")
    Path configFile;

    @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:TOCSIN_DATABASE_URL}",
            description = "PostgreSQL URL such as postgresql://user:pass@host:5432/tocsin "
                    + "(default: an embedded database in the data dir).")
    String databaseUrl;

    @Option(names = "--bootstrap-api-key", paramLabel = "KEY", defaultValue = "${env:TOCSIN_BOOTSTRAP_API_KEY}",
            description = "The first admin API key, used only when the data dir is new (default: generated).")
    String bootstrapApiKey;

    @Option(names = "--bootstrap-admin-password", paramLabel = "PW",
            defaultValue = "${env:TOCSIN_BOOTSTRAP_ADMIN_PASSWORD}",
            description = "The first admin's password, used only when the data dir is new (default: generated).")
    String bootstrapAdminPassword;

    @Override
    public Integer call() {
        ServerConfig config = resolve();
        Server server;
        try {
            server = Server.start(config);
        } catch (DataDirException | StartupException | ConfigException e) {
            spec.commandLine().getErr().println("tocsin: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "tocsin-shutdown"));
        server.generatedCredentials().ifPresent(g -> spec.commandLine().getOut().print(Bootstrap.describe(g)));
        spec.commandLine().getOut().println("Tocsin is ready at " + server.publicUrl()
                + " (HTTP on port " + server.httpPort() + ", data dir " + config.dataDir().toAbsolutePath() + ")");
        spec.commandLine().getOut().flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Turns flags into a validated {@link ServerConfig}; usage errors become exit code 2 via picocli. */
    ServerConfig resolve() {
        InetSocketAddress http;
        InetSocketAddress statsd;
        InetSocketAddress syslog;
        try {
            http = Addresses.parse("--http-addr", httpAddr, false);
            statsd = Addresses.parse("--statsd-addr", statsdAddr, true);
            syslog = Addresses.parse("--syslog-addr", syslogAddr, true);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        String url = blankToNull(publicUrl);
        if (url != null) {
            try {
                URI u = new URI(url);
                if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                        || u.getHost() == null) {
                    throw new IllegalArgumentException();
                }
            } catch (Exception e) {
                throw new ParameterException(spec.commandLine(),
                        "--public-url: expected an absolute http(s) URL such as https://tocsin.example.com, got '"
                                + publicUrl + "'");
            }
            url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        }
        String key = blankToNull(bootstrapApiKey);
        if (key != null && (key.length() < 16 || key.chars().anyMatch(Character::isWhitespace))) {
            throw new ParameterException(spec.commandLine(),
                    "--bootstrap-api-key: must be at least 16 characters without spaces");
        }
        String pw = blankToNull(bootstrapAdminPassword);
        if (pw != null && pw.length() < 8) {
            throw new ParameterException(spec.commandLine(),
                    "--bootstrap-admin-password: must be at least 8 characters");
        }
        TocsinConfig file;
        try {
            file = ConfigLoader.load(configFile, System.getenv());
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return new ServerConfig(dataDir, http, statsd, syslog, url, blankToNull(databaseUrl), key,
                pw == null ? null : pw.toCharArray(), file, InstantSource.system());
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
