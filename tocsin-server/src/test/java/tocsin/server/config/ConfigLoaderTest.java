package tocsin.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tocsin.notify.Target;
import tocsin.notify.noise.NoisePolicy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        return Files.writeString(dir.resolve("tocsin.yaml"), text);
    }

    @Test
    void noFileAndNoEnvironmentGivesDefaults() {
        TocsinConfig c = ConfigLoader.load(null, Map.of());
        assertThat(c.http().maxRequestBytes()).isEqualTo(TocsinConfig.Http.DEFAULT_MAX_REQUEST_BYTES);
        assertThat(c.notifications().email()).isEmpty();
    }

    @Test
    void anEmptyFileGivesDefaults() throws Exception {
        assertThat(ConfigLoader.load(yaml(""), Map.of())).isEqualTo(TocsinConfig.defaults());
    }

    @Test
    void theContractsNotifySectionParses() throws Exception {
        TocsinConfig c = ConfigLoader.load(yaml("""
                http:
                  max_request_bytes: 16MiB
                notify:
                  email:  {smtp_host: 127.0.0.1, smtp_port: 587, starttls: true, username: u, password: p, from: "Tocsin <pager@example.com>"}
                  twilio: {account_sid: AC0123456789abcdef0123456789abcdef, auth_token: tok, from_number: "+15550001111", base_url: "https://api.twilio.com"}
                  slack:  {bot_token: xoxb-1-2, signing_secret: s3cr3t, base_url: "https://slack.com/api"}
                  teams:  {}
                  sns:    {region: us-east-1, endpoint: null}
                """), Map.of());
        assertThat(c.http().maxRequestBytes()).isEqualTo(16L << 20);
        NotifyConfig n = c.notifications();
        assertThat(n.email().orElseThrow().smtpHost()).isEqualTo("127.0.0.1");
        assertThat(n.email().orElseThrow().starttls()).isTrue();
        assertThat(n.twilio().orElseThrow().fromNumber()).isEqualTo("+15550001111");
        assertThat(n.slack().orElseThrow().baseUrl()).isEqualTo("https://slack.com/api");
        assertThat(n.teams()).isPresent();
        assertThat(n.sns().orElseThrow().region()).isEqualTo("us-east-1");
        assertThat(n.sns().orElseThrow().endpoint()).isNull();
        assertThat(n.email().orElseThrow().toString()).doesNotContain("password=p,");
    }

    @Test
    void everyProblemIsListedWithItsPath() throws Exception {
        Path file = yaml("""
                http:
                  max_request_bytes: lots
                notify:
                  email: {smtp_port: 70000, starttls: maybe, from: "not an address", username: u}
                  twilio: {account_sid: XY123, auth_token: t, from_number: "555-1234", base_url: "ftp://x"}
                  teams: {webhook: x}
                  sns: {region: Mars}
                  pigeon: {}
                services: []
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "http.max_request_bytes: must be a size such as 16777216, 16MiB or 512KiB, got 'lots'",
                        "notify.email.smtp_host: is required",
                        "notify.email.smtp_port: must be between 1 and 65535, got 70000",
                        "notify.email.starttls: must be true or false, got 'maybe'",
                        "notify.email.from: must be an address such as pager@example.com or \"Tocsin <pager@example.com>\", got 'not an address'",
                        "notify.email.password: username and password go together",
                        "notify.twilio.account_sid: must be a Twilio account SID (AC followed by 32 hex digits), got 'XY123'",
                        "notify.twilio.from_number: must be a phone number in E.164 form such as +15550001111, got '555-1234'",
                        "notify.twilio.base_url: must be an absolute http:// or https:// URL, got 'ftp://x'",
                        "notify.teams.webhook: unknown key; expected one of channels",
                        "notify.sns.region: must be an AWS region such as us-east-1, got 'Mars'",
                        "notify.pigeon: unknown key; expected one of email, twilio, slack, teams, sns, webhooks, "
                                + "noise",
                        "services: unknown key; expected one of http, metrics, scrape, notify, monitors"))
                .hasMessageStartingWith("Config file " + file + " has 13 problems:");
    }

    @Test
    void environmentOverridesFileValuesAndCanConfigureAProviderAlone() throws Exception {
        Path file = yaml("notify:\n  email: {smtp_host: file-host, from: a@example.com}\n");
        TocsinConfig c = ConfigLoader.load(file, Map.of("TOCSIN_NOTIFY_EMAIL_SMTP_HOST", "env-host",
                "TOCSIN_NOTIFY_EMAIL_SMTP_PORT", "2525", "TOCSIN_NOTIFY_EMAIL_STARTTLS", "false"));
        assertThat(c.notifications().email().orElseThrow().smtpHost()).isEqualTo("env-host");
        assertThat(c.notifications().email().orElseThrow().smtpPort()).isEqualTo(2525);
        assertThat(c.notifications().email().orElseThrow().starttls()).isFalse();

        TocsinConfig envOnly = ConfigLoader.load(null, Map.of("TOCSIN_NOTIFY_SNS_REGION", "eu-west-1"));
        assertThat(envOnly.notifications().sns().orElseThrow().region()).isEqualTo("eu-west-1");

        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("TOCSIN_NOTIFY_EMAIL_SMTP_PORT", "x")))
                .hasMessageContaining("notify.email.smtp_port: must be an integer")
                .hasMessageContaining("notify.email.smtp_host: is required");
    }

    @Test
    void wrongShapesAndBrokenYamlAreReported() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("notify: [1, 2]\n"), Map.of()))
                .hasMessageContaining("notify: must be a mapping of keys to values, got a list");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("notify:\n  email: {smtp_host: [a]\n"), Map.of()))
                .hasMessageContaining("not valid YAML at line");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of()))
                .hasMessageContaining("file not found");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("notify:\n  email: {smtp_host: {a: 1}, from: a@b.c}\n"), Map.of()))
                .hasMessageContaining("notify.email.smtp_host: must be a single value, got a mapping");
    }

    @Test
    void metricLimitsAndRetentionParseWithUnits() throws Exception {
        TocsinConfig c = ConfigLoader.load(yaml("metrics: {max_series: 50000, max_series_per_metric: 5000, "
                + "max_series_per_key: 20000, retention: 30d, statsd_queue: 1024}\n"), Map.of());
        assertThat(c.metrics().maxSeries()).isEqualTo(50_000);
        assertThat(c.metrics().maxSeriesPerMetric()).isEqualTo(5_000);
        assertThat(c.metrics().maxSeriesPerKey()).isEqualTo(20_000);
        assertThat(TocsinConfig.defaults().metrics().maxSeriesPerKey()).isZero();
        assertThat(TocsinConfig.defaults().metrics().maxSeriesPerMetric()).isEqualTo(100_000);
        assertThat(c.metrics().retention()).isEqualTo(java.time.Duration.ofDays(30));
        assertThat(c.metrics().statsdQueue()).isEqualTo(1024);
        assertThat(ConfigLoader.load(null, Map.of("TOCSIN_METRICS_RETENTION", "2w")).metrics().retention())
                .isEqualTo(java.time.Duration.ofDays(14));
        assertThatThrownBy(() -> ConfigLoader.load(yaml("metrics: {retention: forever, max_series: 0, max_series_per_metric: -1, "
                + "max_series_per_key: -5, statsd_flush_interval: 1500ms}\n"), Map.of()))
                .hasMessageContaining("metrics.retention: must be a duration such as 30s, 5m, 12h or 15d, got 'forever'")
                .hasMessageContaining("metrics.max_series_per_key: must be between 0 and")
                .hasMessageContaining("metrics.statsd_flush_interval: must be a whole number of seconds")
                .hasMessageContaining("metrics.max_series: must be between 1 and")
                .hasMessageContaining("metrics.max_series_per_metric: must be between 0 and");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("metrics: {retention: 1h}\n"), Map.of()))
                .hasMessageContaining("metrics.retention: must be between PT2H and");
    }

    @Test
    void theWalSyncIntervalIsZeroUnlessSetAndAtMostTenSeconds() throws Exception {
        assertThat(TocsinConfig.defaults().metrics().walSyncInterval()).isZero();
        assertThat(ConfigLoader.load(yaml("metrics: {wal_sync_interval: 1s}\n"), Map.of()).metrics()
                .walSyncInterval()).isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(ConfigLoader.load(null, Map.of("TOCSIN_METRICS_WAL_SYNC_INTERVAL", "200ms")).metrics()
                .walSyncInterval()).isEqualTo(java.time.Duration.ofMillis(200));
        assertThatThrownBy(() -> ConfigLoader.load(yaml("metrics: {wal_sync_interval: 11s}\n"), Map.of()))
                .hasMessageContaining("metrics.wal_sync_interval: must be between");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("metrics: {wal_sync_interval: sometimes}\n"), Map.of()))
                .hasMessageContaining("metrics.wal_sync_interval: must be a duration");
    }

    @Test
    void scrapeJobsParseAndEveryMistakeIsNamed() throws Exception {
        TocsinConfig c = ConfigLoader.load(yaml("""
                scrape:
                  - job: node
                    targets: ["10.0.0.1:9100", "[::1]:9100"]
                    interval: 30s
                    labels: {env: prod}
                    drop: ["go_.*"]
                    metric_relabel_configs:
                      - {source_labels: [__name__, device], regex: "node_network_.*;(lo|veth.*)", action: drop}
                      - {source_labels: [env], separator: "", regex: prod, action: keep}
                """), Map.of());
        ScrapeConfig job = c.scrape().get(0);
        assertThat(job.targets()).containsExactly("10.0.0.1:9100", "[::1]:9100");
        assertThat(job.timeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(job.path()).isEqualTo("/metrics");
        assertThat(job.keeps("node_load1")).isTrue();
        assertThat(job.keeps("go_goroutines")).isFalse();
        assertThat(job.keeps("node_network_receive_bytes_total", List.of("env:prod", "device:eth0"))).isTrue();
        assertThat(job.keeps("node_network_receive_bytes_total", List.of("env:prod", "device:lo"))).isFalse();
        assertThat(job.keeps("node_network_receive_bytes_total", List.of("env:prod", "device:veth12"))).isFalse();
        assertThat(job.keeps("node_load1", List.of("env:staging"))).isFalse();
        assertThat(job.keeps("node_load1", List.of())).isFalse(); // a missing label is empty, which prod is not

        assertThatThrownBy(() -> ConfigLoader.load(yaml("""
                scrape:
                  - job: a
                    targets: [nohost]
                    interval: 5s
                    timeout: 10s
                    keep: ["(unclosed"]
                    metric_relabel_configs:
                      - {source_labels: ["bad-label"], regex: "(", action: replace}
                  - job: a
                    targets: []
                    scheme: ftp
                    colour: red
                  - 7
                """), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).contains(
                        "scrape[0].targets[0]: must be host:port, got 'nohost'",
                        "scrape[0].timeout: must not be longer than the interval (PT5S)",
                        "scrape[1].job: 'a' is used by another scrape job",
                        "scrape[1].targets: needs at least one host:port",
                        "scrape[1].scheme: must be http or https, got 'ftp'",
                        "scrape[2]: must be a mapping, got 7")
                        .anySatisfy(p -> assertThat(p).startsWith("scrape[0].keep[0]: is not a valid regular expression"))
                        .anySatisfy(p -> assertThat(p).startsWith("scrape[1].colour: unknown key"))
                        .anySatisfy(p -> assertThat(p).isEqualTo("scrape[0].metric_relabel_configs[0]"
                                + ".source_labels[0]: is not a valid label name"))
                        .anySatisfy(p -> assertThat(p).startsWith("scrape[0].metric_relabel_configs[0].regex: is not "
                                + "a valid regular expression"))
                        .anySatisfy(p -> assertThat(p).isEqualTo("scrape[0].metric_relabel_configs[0].action: must be "
                                + "keep or drop (the actions that choose series), got 'replace'")));
    }

    @Test
    void starttlsAndImplicitTlsAreExclusive() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml(
                "notify:\n  email: {smtp_host: h, from: a@b.c, starttls: true, tls: true}\n"), Map.of()))
                .hasMessageContaining("notify.email.tls: cannot be combined with starttls");
        TocsinConfig c = ConfigLoader.load(yaml("notify:\n  email: {smtp_host: h, from: a@b.c, starttls: false, tls: true, smtp_port: 465}\n"), Map.of());
        assertThat(c.notifications().email().orElseThrow().tls()).isTrue();
    }

    @Test
    void rateLimitsReplaceTheDefaultsKindByKindAndCanBeTurnedOff() throws Exception {
        assertThat(ConfigLoader.load(null, Map.of()).notifications().noise()).isEqualTo(NoisePolicy.defaults());
        TocsinConfig c = ConfigLoader.load(yaml("""
                notify:
                  noise:
                    sms: {max: 3, per: 5m}
                    email: {enabled: false}
                """), Map.of("TOCSIN_NOTIFY_NOISE_VOICE_MAX", "1"));
        NoisePolicy noise = c.notifications().noise();
        assertThat(noise.limit(Target.Kind.SMS)).contains(new NoisePolicy.Limit(3, Duration.ofMinutes(5)));
        assertThat(noise.limit(Target.Kind.VOICE)).contains(new NoisePolicy.Limit(1, Duration.ofMinutes(10)));
        assertThat(noise.limit(Target.Kind.EMAIL)).isEmpty();
        assertThat(ConfigLoader.load(yaml("notify:\n  noise: {enabled: false}\n"), Map.of()).notifications().noise())
                .isEqualTo(NoisePolicy.off());
    }

    @Test
    void badRateLimitsAreReportedWithTheirPath() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("""
                notify:
                  noise:
                    sms: {max: 0, per: 0m}
                    voice: {max: -2, per: -5m}
                    email: {max: 5000, per: 1s, burst: 3}
                    slack: {max: 1}
                """), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("notify.noise.sms.max: must be between 1 and 1000000, got 0")
                .hasMessageContaining("notify.noise.sms.per: must be between PT1S and PT24H, got '0m'")
                .hasMessageContaining("notify.noise.voice.max: must be between 1 and 1000000, got -2")
                .hasMessageContaining("notify.noise.voice.per: must be a duration such as 30s, 5m, 12h or 15d, "
                        + "got '-5m'")
                .hasMessageContaining("notify.noise.email.per: allows more than one message per millisecond")
                .hasMessageContaining("notify.noise.email.burst: unknown key; expected one of enabled, max, per")
                .hasMessageContaining("notify.noise.slack: unknown key; expected one of enabled, email, sms, voice");
    }

    @Test
    void namedWebhooksTeamsChannelsAndTheSlackAccountParse() throws Exception {
        TocsinConfig c = ConfigLoader.load(yaml("""
                notify:
                  slack: {bot_token: xoxb-1, account: acme}
                  teams:
                    channels: {sre: "https://prod.example.com/workflows/1"}
                  webhooks:
                    - name: ops
                      url: https://hooks.example.com/tocsin
                      payload: '{"text": "$EVENT_MSG", "date": $DATE}'
                      headers: {Authorization: "Bearer t"}
                      secret: s3cret
                    - {name: form-hook, url: "http://127.0.0.1:9000/in", encode_as: form}
                """), Map.of());
        NotifyConfig n = c.notifications();
        assertThat(n.slack().orElseThrow().account()).isEqualTo("acme");
        assertThat(n.teams().orElseThrow().channels()).containsEntry("sre", "https://prod.example.com/workflows/1");
        assertThat(n.webhooks()).containsExactly(
                new NotifyConfig.Webhook("ops", "https://hooks.example.com/tocsin",
                        "{\"text\": \"$EVENT_MSG\", \"date\": $DATE}", Map.of("Authorization", "Bearer t"),
                        "s3cret", false),
                new NotifyConfig.Webhook("form-hook", "http://127.0.0.1:9000/in", null, Map.of(), null, true));
    }

    @Test
    void malformedWebhooksAreListedWithTheirPaths() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(yaml("""
                notify:
                  teams:
                    channels: {"bad name": "https://x.example.com", sre: "ftp://x"}
                  webhooks:
                    - {name: ops, url: "https://a.example.com", payload: '{"text": $EVENT_MSG', encode_as: xml}
                    - {name: ops, url: "not a url", headers: {Content-Type: text/plain, "bad header": x}}
                    - {url: "https://b.example.com", colour: red}
                    - just a string
                """), Map.of())).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "notify.teams.channels.bad name: must be a name of letters, digits and _ . + - (as in "
                                + "@webhook-<name>)",
                        "notify.teams.channels.sre: must be an absolute http:// or https:// URL without credentials, "
                                + "got 'ftp://x'",
                        "notify.webhooks[0].payload: is not valid JSON once its variables are filled in (line 1, "
                                + "column 11): Unexpected end-of-input: expected close marker for Object",
                        "notify.webhooks[0].encode_as: must be json or form, got 'xml'",
                        "notify.webhooks[1].name: 'ops' is used by another webhook",
                        "notify.webhooks[1].url: must be an absolute http:// or https:// URL without credentials, "
                                + "got 'not a url'",
                        "notify.webhooks[1].headers.Content-Type: is set by Tocsin and cannot be overridden",
                        "notify.webhooks[1].headers.bad header: is not a valid HTTP header name",
                        "notify.webhooks[2].name: is required",
                        "notify.webhooks[2].colour: unknown key; expected one of name, url, payload, headers, "
                                + "secret, encode_as",
                        "notify.webhooks[3]: must be a mapping, got 'just a string'"));
    }
}
