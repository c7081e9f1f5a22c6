package tocsin.server.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import tocsin.notify.Target;
import tocsin.notify.noise.NoisePolicy;

/**
 * Loads and validates the YAML configuration. Unknown keys and invalid values are errors; all of them are reported
 * together in one {@link ConfigException}. Environment variables override file values (see {@link ConfigReader}),
 * and can configure a provider without any file. Stateless.
 */
public final class ConfigLoader {
    static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern TWILIO_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final Pattern AWS_REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
    private static final Pattern MAILBOX = Pattern.compile(
            "(?:[^<>@]*<)?[^\\s<>@]+@[^\\s<>@]+(?:>)?");

    private ConfigLoader() {
    }

    /**
     * @param file the YAML file, or null for none (environment overrides still apply)
     * @param env  the environment to read {@code TOCSIN_*} overrides from
     */
    public static TocsinConfig load(Path file, Map<String, String> env) {
        JsonNode root = null;
        String source = file == null ? "The configuration (environment)" : "Config file " + file;
        if (file != null) {
            try {
                root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
                if (root != null && root.isMissingNode()) {
                    root = null; // an empty file: all defaults
                }
            } catch (NoSuchFileException e) {
                throw new ConfigException(source, List.of("file not found"));
            } catch (JsonProcessingException e) {
                var loc = e.getLocation();
                throw new ConfigException(source, List.of("not valid YAML"
                        + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
                        + ": " + e.getOriginalMessage()));
            } catch (IOException e) {
                throw new ConfigException(source, List.of("cannot be read: " + e.getMessage()));
            }
        }
        List<String> problems = new ArrayList<>();
        ConfigReader top = new ConfigReader(root, "", env, problems);
        TocsinConfig.Http http = readHttp(top.section("http"));
        TocsinConfig.Metrics metrics = readMetrics(top.section("metrics"));
        List<ScrapeConfig> scrape = readScrape(top.sections("scrape"));
        NotifyConfig notify = readNotify(top.section("notify"));
        Optional<List<tocsin.monitor.DeclaredMonitor>> monitors = MonitorsConfig.read(top);
        top.finish();
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return new TocsinConfig(http, metrics, scrape, notify, monitors);
    }

    private static TocsinConfig.Http readHttp(Optional<ConfigReader> section) {
        if (section.isEmpty()) {
            return new TocsinConfig.Http(TocsinConfig.Http.DEFAULT_MAX_REQUEST_BYTES);
        }
        ConfigReader r = section.get();
        long max = r.bytes("max_request_bytes", 1024, 1L << 31, TocsinConfig.Http.DEFAULT_MAX_REQUEST_BYTES);
        r.finish();
        return new TocsinConfig.Http(max);
    }

    private static TocsinConfig.Metrics readMetrics(Optional<ConfigReader> section) {
        TocsinConfig.Metrics d = TocsinConfig.Metrics.defaults();
        if (section.isEmpty()) {
            return d;
        }
        ConfigReader r = section.get();
        long maxSeries = r.integer("max_series", 1, Integer.MAX_VALUE, (int) d.maxSeries());
        long perMetric = r.integer("max_series_per_metric", 0, Integer.MAX_VALUE, (int) d.maxSeriesPerMetric());
        long perKey = r.integer("max_series_per_key", 0, Integer.MAX_VALUE, (int) d.maxSeriesPerKey());
        java.time.Duration retention = r.duration("retention", java.time.Duration.ofHours(2),
                java.time.Duration.ofDays(3650), d.retention());
        int queue = r.integer("statsd_queue", 16, 1_000_000, d.statsdQueue());
        java.time.Duration flush = r.duration("statsd_flush_interval", java.time.Duration.ofSeconds(1),
                java.time.Duration.ofMinutes(5), d.statsdFlush());
        if (flush.toMillis() % 1000 != 0) {
            // counts are stored per second of it, and its length is kept in whole seconds (statsd_interval)
            r.problem("statsd_flush_interval", "must be a whole number of seconds, got " + flush);
        }
        java.time.Duration walSync = r.duration("wal_sync_interval", java.time.Duration.ZERO,
                tocsin.tsdb.TsdbOptions.MAX_WAL_SYNC_INTERVAL, d.walSyncInterval());
        String socket = r.string("statsd_socket").filter(v -> !v.isBlank()).orElse(null);
        if (socket != null && socket.length() > 100) {
            r.problem("statsd_socket", "is longer than the 100 characters a Unix socket path may have");
        }
        r.finish();
        return new TocsinConfig.Metrics(maxSeries, perMetric, retention, queue, flush,
                socket == null ? null : java.nio.file.Path.of(socket), walSync, perKey);
    }

    private static final Pattern TARGET = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9._-]+):[0-9]{1,5}");
    private static final Pattern JOB = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private static List<ScrapeConfig> readScrape(List<ConfigReader> jobs) {
        List<ScrapeConfig> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ConfigReader r : jobs) {
            String job = r.matching("job", true, JOB, "a job name (letters, digits, _ . -)");
            if (job != null && !names.add(job)) {
                r.problem("job", "'" + job + "' is used by another scrape job");
            }
            List<String> targets = r.strings("targets");
            if (targets.isEmpty()) {
                r.problem("targets", "needs at least one host:port");
            }
            for (int i = 0; i < targets.size(); i++) {
                if (!TARGET.matcher(targets.get(i)).matches()) {
                    r.problem("targets[" + i + "]", "must be host:port, got '" + targets.get(i) + "'");
                }
            }
            java.time.Duration interval = r.duration("interval", java.time.Duration.ofSeconds(1),
                    java.time.Duration.ofHours(1), java.time.Duration.ofSeconds(15));
            java.time.Duration timeout = r.duration("timeout", java.time.Duration.ofMillis(100),
                    java.time.Duration.ofHours(1), interval.compareTo(java.time.Duration.ofSeconds(10)) < 0
                            ? interval : java.time.Duration.ofSeconds(10));
            if (timeout.compareTo(interval) > 0) {
                r.problem("timeout", "must not be longer than the interval (" + interval + ")");
            }
            String scheme = r.string("scheme").orElse("http");
            if (!scheme.equals("http") && !scheme.equals("https")) {
                r.problem("scheme", "must be http or https, got '" + scheme + "'");
            }
            String path = r.string("path").orElse("/metrics");
            if (!path.startsWith("/")) {
                r.problem("path", "must start with /, got '" + path + "'");
            }
            java.util.Map<String, String> labels = r.stringMap("labels");
            for (String label : labels.keySet()) {
                if (!label.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    r.problem("labels." + label, "is not a valid label name");
                }
            }
            List<Pattern> keep = patterns(r, "keep");
            List<Pattern> drop = patterns(r, "drop");
            List<ScrapeConfig.Rule> rules = new ArrayList<>();
            List<ConfigReader> relabel = r.sections("metric_relabel_configs");
            for (ConfigReader rule : relabel) {
                ScrapeConfig.Rule read = readRule(rule);
                if (read != null) {
                    rules.add(read);
                }
            }
            r.finish();
            out.add(new ScrapeConfig(job, targets, interval, timeout, scheme, path, labels, keep, drop, rules));
        }
        return out;
    }

    /**
     * One {@code metric_relabel_configs} entry: {@code source_labels} (default {@code [__name__]}),
     * {@code separator} (default {@code ;}), {@code regex} (default {@code (.*)}) and {@code action}, which must be
     * {@code keep} or {@code drop} (the actions that select series; Tocsin does not rewrite labels).
     */
    private static ScrapeConfig.Rule readRule(ConfigReader r) {
        List<String> sources = r.strings("source_labels");
        if (sources.isEmpty()) {
            sources = List.of("__name__");
        }
        for (int k = 0; k < sources.size(); k++) {
            if (!sources.get(k).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                r.problem("source_labels[" + k + "]", "is not a valid label name");
            }
        }
        String separator = r.string("separator").orElse(";");
        String regex = r.string("regex").orElse("(.*)");
        String action = r.string("action").orElse("replace");
        Pattern pattern = null;
        try {
            pattern = Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            r.problem("regex", "is not a valid regular expression: " + e.getDescription());
        }
        if (!action.equals("keep") && !action.equals("drop")) {
            r.problem("action", "must be keep or drop (the actions that choose series), got '" + action + "'");
        }
        r.finish();
        return pattern == null || !(action.equals("keep") || action.equals("drop")) ? null
                : new ScrapeConfig.Rule(sources, separator, pattern, action.equals("keep"));
    }

    private static List<Pattern> patterns(ConfigReader r, String key) {
        List<Pattern> out = new ArrayList<>();
        List<String> regexes = r.strings(key);
        for (int i = 0; i < regexes.size(); i++) {
            try {
                out.add(Pattern.compile(regexes.get(i)));
            } catch (java.util.regex.PatternSyntaxException e) {
                r.problem(key + "[" + i + "]", "is not a valid regular expression: " + e.getDescription());
            }
        }
        return out;
    }

    private static NotifyConfig readNotify(Optional<ConfigReader> section) {
        if (section.isEmpty()) {
            return NotifyConfig.none();
        }
        ConfigReader r = section.get();
        NotifyConfig n = new NotifyConfig(
                r.section("email").map(ConfigLoader::readEmail),
                r.section("twilio").map(ConfigLoader::readTwilio),
                r.section("slack").map(ConfigLoader::readSlack),
                r.section("teams").map(ConfigLoader::readTeams),
                r.section("sns").map(ConfigLoader::readSns),
                readWebhooks(r.sections("webhooks")),
                r.section("noise").map(ConfigLoader::readNoise).orElse(NoisePolicy.defaults()));
        r.finish();
        return n;
    }

    /**
     * {@code noise: {enabled: true, sms: {max: 5, per: 10m}, voice: {...}, email: {...}}}: each kind's limit
     * replaces its default; {@code enabled: false} on a kind (or on the whole section) turns its limit off.
     */
    private static NoisePolicy readNoise(ConfigReader r) {
        boolean enabled = r.bool("enabled", true);
        java.util.Map<Target.Kind, NoisePolicy.Limit> limits = new java.util.EnumMap<>(Target.Kind.class);
        NoisePolicy defaults = NoisePolicy.defaults();
        for (Target.Kind kind : NoisePolicy.LIMITABLE) {
            String key = kind.name().toLowerCase(java.util.Locale.ROOT);
            NoisePolicy.Limit dflt = defaults.limit(kind).orElseThrow();
            Optional<ConfigReader> section = r.section(key);
            if (section.isEmpty()) {
                limits.put(kind, dflt);
                continue;
            }
            ConfigReader k = section.get();
            boolean on = k.bool("enabled", true);
            int max = k.integer("max", 1, 1_000_000, dflt.max());
            java.time.Duration per = k.duration("per", java.time.Duration.ofSeconds(1), java.time.Duration.ofDays(1),
                    dflt.per());
            k.finish();
            if (per.dividedBy(max).toMillis() < 1) {
                k.problem("per", "allows more than one message per millisecond (" + max + " per " + per + ")");
            } else if (on) {
                limits.put(kind, new NoisePolicy.Limit(max, per));
            }
        }
        r.finish();
        return enabled ? new NoisePolicy(limits) : NoisePolicy.off();
    }

    /** A name a handle can carry: {@code @webhook-<name>}, {@code @teams-<name>}. */
    private static final Pattern HANDLE_NAME = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_.+-]*[A-Za-z0-9_+])?");
    private static final String HANDLE_NAME_TEXT = "a name of letters, digits and _ . + - (as in @webhook-<name>)";

    private static NotifyConfig.Teams readTeams(ConfigReader r) {
        java.util.Map<String, String> channels = r.stringMap("channels");
        for (var e : channels.entrySet()) {
            if (!HANDLE_NAME.matcher(e.getKey()).matches()) {
                r.problem("channels." + e.getKey(), "must be " + HANDLE_NAME_TEXT);
            }
            checkUrl(r, "channels." + e.getKey(), e.getValue());
        }
        r.finish();
        return new NotifyConfig.Teams(channels);
    }

    private static void checkUrl(ConfigReader r, String key, String url) {
        try {
            java.net.URI uri = new java.net.URI(url.trim());
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null || uri.getRawUserInfo() != null) {
                r.problem(key, "must be an absolute http:// or https:// URL without credentials, got '" + url + "'");
            }
        } catch (java.net.URISyntaxException e) {
            r.problem(key, "must be an absolute http:// or https:// URL without credentials, got '" + url + "'");
        }
    }

    private static List<NotifyConfig.Webhook> readWebhooks(List<ConfigReader> hooks) {
        List<NotifyConfig.Webhook> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (ConfigReader r : hooks) {
            String name = r.matching("name", true, HANDLE_NAME, HANDLE_NAME_TEXT);
            if (name != null && !names.add(name)) {
                r.problem("name", "'" + name + "' is used by another webhook");
            }
            String url = r.requiredString("url");
            if (url != null) {
                checkUrl(r, "url", url);
            }
            String payload = r.string("payload").filter(p -> !p.isBlank()).orElse(null);
            if (payload != null) {
                tocsin.notify.webhook.TemplatedWebhook.problem(payload).ifPresent(p -> r.problem("payload", p));
            }
            java.util.Map<String, String> headers = r.stringMap("headers");
            for (String h : headers.keySet()) {
                if (!h.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                    r.problem("headers." + h, "is not a valid HTTP header name");
                } else if (java.util.Set.of("host", "content-length", "content-type", "connection",
                        "transfer-encoding").contains(h.toLowerCase(java.util.Locale.ROOT))) {
                    r.problem("headers." + h, "is set by Tocsin and cannot be overridden");
                }
            }
            String secret = r.string("secret").filter(v -> !v.isBlank()).orElse(null);
            String encodeAs = r.string("encode_as").orElse("json");
            if (!encodeAs.equals("json") && !encodeAs.equals("form")) {
                r.problem("encode_as", "must be json or form, got '" + encodeAs + "'");
            }
            r.finish();
            if (name != null && url != null) {
                out.add(new NotifyConfig.Webhook(name, url.trim(), payload, headers, secret, encodeAs.equals("form")));
            }
        }
        return out;
    }

    private static NotifyConfig.Email readEmail(ConfigReader r) {
        String host = r.requiredString("smtp_host");
        int port = r.integer("smtp_port", 1, 65535, 587);
        boolean starttls = r.bool("starttls", true);
        boolean tls = r.bool("tls", false);
        String username = r.string("username").filter(s -> !s.isBlank()).orElse(null);
        String password = r.string("password").orElse(null);
        String from = r.matching("from", true, MAILBOX, "an address such as pager@example.com or "
                + "\"Tocsin <pager@example.com>\"");
        int timeout = r.integer("timeout_seconds", 1, 300, 10);
        if (starttls && tls) {
            r.problem("tls", "cannot be combined with starttls: use tls: true for port 465 (implicit TLS) "
                    + "or starttls: true for 587, not both");
        }
        if ((username == null) != (password == null)) {
            r.problem(username == null ? "username" : "password", "username and password go together");
        }
        r.finish();
        return new NotifyConfig.Email(host, port, starttls && !tls, tls, username, password, from, timeout);
    }

    private static NotifyConfig.Twilio readTwilio(ConfigReader r) {
        String sid = r.matching("account_sid", true, TWILIO_SID, "a Twilio account SID (AC followed by 32 hex digits)");
        String token = r.requiredString("auth_token");
        String from = r.matching("from_number", true, E164, "a phone number in E.164 form such as +15550001111");
        String base = r.url("base_url", "https://api.twilio.com");
        r.finish();
        return new NotifyConfig.Twilio(sid, token, from, base);
    }

    private static NotifyConfig.Slack readSlack(ConfigReader r) {
        String token = r.string("bot_token").filter(s -> !s.isBlank()).orElse(null);
        if (token != null && !token.startsWith("xox")) {
            r.problem("bot_token", "must be a Slack token (xoxb-...)");
        }
        String secret = r.string("signing_secret").filter(s -> !s.isBlank()).orElse(null);
        String base = r.url("base_url", "https://slack.com/api");
        String account = r.matching("account", false, HANDLE_NAME, HANDLE_NAME_TEXT);
        r.finish();
        return new NotifyConfig.Slack(token, secret, base, account);
    }

    private static NotifyConfig.Sns readSns(ConfigReader r) {
        String region = r.matching("region", true, AWS_REGION, "an AWS region such as us-east-1");
        String endpoint = r.url("endpoint", null);
        r.finish();
        return new NotifyConfig.Sns(region, endpoint);
    }
}
