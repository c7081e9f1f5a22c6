package tocsin.state;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * A parsed PostgreSQL connection URL. Accepts the libpq URI form the product contract documents
 * ({@code postgresql://user:password@host:port/database?sslmode=require}, also {@code postgres://}) and pgjdbc's
 * {@code jdbc:postgresql://...}. User and password may come from the userinfo (percent-decoded, as libpq does) or
 * from {@code user=}/{@code password=} parameters; other parameters are passed to the driver, with the libpq names
 * pgjdbc spells differently translated.
 *
 * <p>Parse errors name what is wrong and never echo the URL, which may carry a password; {@link #toString()} redacts
 * it too. Unix-domain sockets ({@code postgresql:///db}) are not supported: pgjdbc speaks TCP only. Immutable.
 */
record PostgresUrl(List<HostPort> hosts, String database, String user, String password, Map<String, String> parameters) {

    /** The URL form named in error messages. */
    static final String EXPECTED_FORM = "postgresql://USER:PASSWORD@HOST:5432/DATABASE";

    private static final int DEFAULT_PORT = 5432;

    /** libpq parameter names that pgjdbc spells differently. */
    private static final Map<String, String> LIBPQ_TO_PGJDBC = Map.of(
            "connect_timeout", "connectTimeout",
            "application_name", "ApplicationName");

    record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    PostgresUrl {
        hosts = List.copyOf(hosts);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /**
     * Parses a URL.
     *
     * @throws IllegalArgumentException naming the part that is wrong, prefixed {@code database-url:}
     */
    static PostgresUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw invalid("empty; expected " + EXPECTED_FORM);
        }
        String rest = url.strip();
        if (rest.regionMatches(true, 0, "jdbc:", 0, 5)) {
            rest = rest.substring(5);
        }
        int schemeEnd = rest.indexOf("://");
        if (schemeEnd < 0) {
            throw invalid("expected " + EXPECTED_FORM);
        }
        String scheme = rest.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        if (!scheme.equals("postgresql") && !scheme.equals("postgres")) {
            throw invalid("unsupported scheme '" + printable(scheme) + "'; expected " + EXPECTED_FORM);
        }
        rest = rest.substring(schemeEnd + 3);
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            rest = rest.substring(0, hash);
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        // The last '@' ends the userinfo, so an unencoded '@' in a password still parses as libpq users expect.
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = emptyToNull(decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, "user name"));
            if (colon >= 0) {
                password = decode(userInfo.substring(colon + 1), "password");
            }
        }
        int slash = rest.indexOf('/');
        String hostList = slash >= 0 ? rest.substring(0, slash) : rest;
        String database = slash >= 0 ? emptyToNull(decode(rest.substring(slash + 1), "database name")) : null;
        List<HostPort> hosts = parseHosts(hostList);

        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq >= 0 ? pair.substring(0, eq) : pair, "parameter name");
            // The value may be a password: name the parameter in errors, never the value.
            String value = decode(eq >= 0 ? pair.substring(eq + 1) : "", "value of parameter '" + printable(key) + "'");
            switch (key) {
                case "user" -> user = emptyToNull(value);
                case "password" -> password = value;
                case "dbname" -> database = emptyToNull(value);
                default -> parameters.put(LIBPQ_TO_PGJDBC.getOrDefault(key, key), value);
            }
        }
        if (database == null) {
            throw invalid("missing database name; expected " + EXPECTED_FORM);
        }
        return new PostgresUrl(hosts, database, user, password, parameters);
    }

    /** The pgjdbc URL, without credentials or parameters: those travel as {@link #driverProperties()}. */
    String jdbcUrl() {
        return "jdbc:postgresql://" + endpoint() + "/" + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** Everything the driver needs besides the URL: user, password and the URL's parameters. */
    Properties driverProperties() {
        Properties props = new Properties();
        props.putAll(parameters);
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return props;
    }

    /** {@code host:port}, comma-separated when the URL lists several servers. */
    String endpoint() {
        return hosts.stream().map(HostPort::toString).collect(Collectors.joining(","));
    }

    /** A description safe for logs: server, database, user and TLS mode, never the password. */
    String describe() {
        StringBuilder sb = new StringBuilder("PostgreSQL database '").append(database).append("' at ").append(endpoint());
        if (user != null) {
            sb.append(" as '").append(user).append('\'');
        }
        String sslMode = parameters.get("sslmode");
        if (sslMode != null) {
            sb.append(" (sslmode=").append(sslMode).append(')');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "PostgresUrl[" + describe() + (password != null ? ", password=***" : "") + "]";
    }

    private static List<HostPort> parseHosts(String hostList) {
        if (hostList.isEmpty()) {
            throw invalid("missing host (connections through a unix-domain socket are not supported); expected "
                    + EXPECTED_FORM);
        }
        List<HostPort> hosts = new ArrayList<>();
        for (String spec : hostList.split(",", -1)) {
            String host;
            String port = null;
            if (spec.startsWith("[")) {
                int close = spec.indexOf(']');
                if (close < 0) {
                    throw invalid("unclosed '[' in IPv6 host");
                }
                host = spec.substring(1, close);
                String after = spec.substring(close + 1);
                if (!after.isEmpty()) {
                    if (!after.startsWith(":")) {
                        throw invalid("unexpected text after IPv6 host");
                    }
                    port = after.substring(1);
                }
            } else {
                int colon = spec.indexOf(':');
                host = colon >= 0 ? spec.substring(0, colon) : spec;
                port = colon >= 0 ? spec.substring(colon + 1) : null;
            }
            host = decode(host, "host");
            if (host.isEmpty()) {
                throw invalid("missing host; expected " + EXPECTED_FORM);
            }
            if (host.startsWith("/")) {
                throw invalid("unix-domain socket paths are not supported; use a TCP host and port");
            }
            hosts.add(new HostPort(host, port == null || port.isEmpty() ? DEFAULT_PORT : parsePort(port)));
        }
        return hosts;
    }

    private static int parsePort(String port) {
        try {
            int p = Integer.parseInt(port);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        // Not echoed: with the '@host' part forgotten, "user:password" parses as host and port.
        throw invalid("invalid port; expected a number from 1 to 65535");
    }

    /** Percent-decodes as RFC 3986 does: unlike URLDecoder, '+' stays a plus (passwords contain them). */
    private static String decode(String s, String what) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(s.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw invalid("invalid percent-encoding in the " + what);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Shortens text quoted in an error, so a pasted secret in the wrong place is not echoed whole. */
    private static String printable(String s) {
        return s.length() <= 20 ? s : s.substring(0, 20) + "…";
    }

    private static IllegalArgumentException invalid(String what) {
        return new IllegalArgumentException("database-url: " + what);
    }
}
