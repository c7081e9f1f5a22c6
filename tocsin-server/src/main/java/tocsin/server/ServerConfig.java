package tocsin.server;

import tocsin.server.config.TocsinConfig;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Everything {@link Server#start} needs, as resolved from flags, environment and the config file. Immutable.
 *
 * @param dataDir                the data directory
 * @param httpAddr               where to listen for HTTP (port 0 picks a free port)
 * @param statsdAddr             DogStatsD UDP address, or null when off
 * @param syslogAddr             syslog address, or null when off
 * @param publicUrl              the address people reach Tocsin at, without trailing slash
 * @param databaseUrl            PostgreSQL URL, or null for the embedded database in the data dir
 * @param bootstrapApiKey        the first admin key for a new data dir, or null to generate one
 * @param bootstrapAdminPassword the first admin's password for a new data dir, or null to generate one
 * @param config                 the validated configuration file
 * @param clock                  the time source for everything the server decides
 */
public record ServerConfig(Path dataDir, InetSocketAddress httpAddr, InetSocketAddress statsdAddr,
                           InetSocketAddress syslogAddr, String publicUrl, String databaseUrl,
                           String bootstrapApiKey, char[] bootstrapAdminPassword, TocsinConfig config,
                           InstantSource clock) {
    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(httpAddr, "httpAddr");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(clock, "clock");
    }

    /** The public URL, defaulting to {@code http://<http-addr>} (with the bound port when it was 0). */
    public String publicUrlOr(int boundPort) {
        if (publicUrl != null) {
            return publicUrl;
        }
        String host = httpAddr.getHostString();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + boundPort;
    }

    @Override
    public String toString() {
        return "ServerConfig[dataDir=" + dataDir + ", httpAddr=" + httpAddr + ", statsdAddr=" + statsdAddr
                + ", syslogAddr=" + syslogAddr + ", publicUrl=" + publicUrl + ", database="
                + (databaseUrl == null ? "embedded" : "external") + "]";
    }
}
