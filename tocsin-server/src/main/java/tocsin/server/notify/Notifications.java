package tocsin.server.notify;

import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tocsin.notify.Channel;
import tocsin.notify.Channels;
import tocsin.notify.DeliveryException;
import tocsin.notify.direct.DirectChannels;
import tocsin.notify.direct.DirectDispatcher;
import tocsin.notify.direct.DirectQueue;
import tocsin.notify.direct.DirectTargets;
import tocsin.notify.dispatch.DeliveryQueue;
import tocsin.notify.dispatch.DispatchObserver;
import tocsin.notify.dispatch.Dispatcher;
import tocsin.notify.dispatch.HandoffDispatcher;
import tocsin.notify.dispatch.HandoffQueue;
import tocsin.notify.dispatch.Linker;
import tocsin.notify.dispatch.Recipients;
import tocsin.notify.email.SmtpChannel;
import tocsin.notify.email.SmtpSettings;
import tocsin.notify.links.LinkSigner;
import tocsin.notify.slack.SlackSettings;
import tocsin.notify.slack.SlackWebApiChannel;
import tocsin.notify.slack.SlackWebhookChannel;
import tocsin.notify.sns.SnsSettings;
import tocsin.notify.sns.SnsSmsChannel;
import tocsin.notify.teams.TeamsWebhookChannel;
import tocsin.notify.subscription.Endpoint;
import tocsin.notify.subscription.EventDispatcher;
import tocsin.notify.subscription.EventQueue;
import tocsin.notify.subscription.EventTransport;
import tocsin.notify.twilio.TwilioSettings;
import tocsin.notify.twilio.TwilioSmsChannel;
import tocsin.notify.twilio.TwilioVoiceChannel;
import tocsin.notify.webhook.GenericWebhookChannel;
import tocsin.notify.webhook.NamedWebhook;
import tocsin.notify.webhook.TemplatedWebhook;
import tocsin.notify.webhook.PagerDutyWebhookChannel;
import tocsin.server.config.NotifyConfig;

/**
 * The notification side of the server: builds the {@link Channels} of the configured providers, the
 * {@link LinkSigner} (its key is the {@code link-signing} server secret, kept in the state database so every node
 * and every restart verifies the same links), and runs the {@link Dispatcher} that delivers the outbox.
 *
 * <p>Only configured providers get a channel: e-mail needs {@code notify.email}, SMS and voice {@code notify.twilio}
 * (SMS falls back to {@code notify.sns}), Slack's Web API {@code notify.slack}. Slack and Teams incoming webhooks,
 * generic and PagerDuty-style webhooks need no provider settings: their URLs come with each target.
 *
 * <p>It also runs the {@link EventDispatcher} that delivers incident events to PagerDuty v3 webhook subscriptions and
 * chat extensions, and sends their pings.
 *
 * <p>On-call handoff notifications ({@link HandoffDispatcher}) go through the same channels, on their own loop.
 *
 * <p>Metrics: {@code tocsin_notifications_total{channel,outcome}} (every attempt: delivered, retry, failed),
 * {@code tocsin_notifications_unreachable_total} (a person paged with no notification rule for the urgency),
 * {@code tocsin_webhook_deliveries_total{channel,outcome}} (every attempt of an incident event to a subscription or
 * extension), {@code tocsin_webhook_endpoints_disabled_total}, {@code tocsin_webhook_pings_total{outcome}},
 * {@code tocsin_notifications_held_total{channel}} (deliveries held back by a rate limit for a digest),
 * {@code tocsin_notification_digests_total{channel,outcome}} (digest attempts; a digest that carried a single
 * incident's pages goes out as that page and counts here too), {@code tocsin_notifications_digested_total{channel}}
 * and {@code tocsin_handoff_notifications_total{channel,outcome}} (on-call handoff notification attempts;
 * {@code none} / {@code unreachable} for a person with no e-mail or SMS contact method).
 *
 * <p>Monitors' direct handles ({@code @slack-}, {@code @teams-}, {@code @webhook-}, e-mail) go through a second,
 * simpler pipeline: the monitor store writes their messages to the direct queue with the transition, and a
 * {@link DirectDispatcher} delivers them with the same options (lease, retry policy) and counts its attempts in the
 * same metric; {@link #directTargets()} says which names exist.
 *
 * <p>Thread-safe. {@link #start} once, after the public URL is known; {@link #close()} stops the dispatchers.
 */
public final class Notifications implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);
    /** How long acknowledge and resolve links stay good. */
    public static final Duration LINK_TTL = Duration.ofHours(24);
    static final String SECRET_NAME = "link-signing";

    private final NotifyConfig config;
    private final DeliveryQueue queue;
    private final HandoffQueue handoffQueue;
    private final Recipients recipients;
    private final byte[] linkSecret;
    private final InstantSource clock;
    private final Dispatcher.Options options;
    private final DispatchObserver observer;
    private final EventQueue events;
    private final EventDispatcher.Options eventOptions;
    private final EventDispatcher.Observer eventObserver;
    private final Counter pings;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile LinkSigner signer;
    private volatile Linker linker;
    private volatile Dispatcher dispatcher;
    private volatile HandoffDispatcher handoffs;
    private volatile EventDispatcher eventDispatcher;
    private volatile PagerDutyWebhookChannel pagerDuty;
    private final DirectQueue directQueue;
    private final DirectTargets directTargets;
    private volatile DirectDispatcher directDispatcher;

    /**
     * @param handoffQueue the on-call handoff notifications to deliver
     * @param directQueue  the direct messages of monitor notifications, or null to deliver none
     * @param events       the incident events for webhook subscriptions and extensions
     */
    public Notifications(NotifyConfig config, DeliveryQueue queue, HandoffQueue handoffQueue, DirectQueue directQueue,
                         Recipients recipients, byte[] linkSecret, EventQueue events, PrometheusRegistry registry,
                         InstantSource clock, Dispatcher.Options options, EventDispatcher.Options eventOptions) {
        this.directQueue = directQueue;
        this.directTargets = directTargets(config);
        this.config = Objects.requireNonNull(config, "config");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.handoffQueue = Objects.requireNonNull(handoffQueue, "handoffQueue");
        this.recipients = Objects.requireNonNull(recipients, "recipients");
        this.linkSecret = linkSecret.clone();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.options = Objects.requireNonNull(options, "options").withNoise(config.noise());
        this.observer = observer(registry);
        this.events = Objects.requireNonNull(events, "events");
        this.eventOptions = Objects.requireNonNull(eventOptions, "eventOptions");
        this.eventObserver = eventObserver(registry);
        this.pings = Counter.builder().name("tocsin_webhook_pings_total")
                .help("Test events (pagey.ping) sent to webhook subscriptions, by outcome (delivered, failed)")
                .labelNames("outcome").register(registry);
    }

    /** Builds the channels and the signer for {@code publicUrl} and starts delivering. */
    public void start(URI publicUrl) {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started");
        }
        List<Channel> all = channels(publicUrl);
        Channels channels = Channels.of(all);
        pagerDuty = all.stream().filter(PagerDutyWebhookChannel.class::isInstance)
                .map(PagerDutyWebhookChannel.class::cast).findFirst().orElseThrow();
        signer = new LinkSigner(List.of(linkSecret), publicUrl, clock);
        String owner = ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
        linker = Linker.signed(signer, publicUrl, LINK_TTL);
        dispatcher = new Dispatcher(queue, recipients, channels, linker,
                observer, clock, owner, options, null).start();
        handoffs = new HandoffDispatcher(handoffQueue, recipients, channels, publicUrl, observer, clock, owner, options,
                null).start();
        eventDispatcher = new EventDispatcher(events, EventTransport.over(pagerDuty, channels), publicUrl,
                eventObserver, clock, owner, eventOptions, null).start();
        LOG.info("Notifications: delivering through {} (dispatcher {}), rate limits {}", channels.kinds(), owner,
                options.noise().limits());
        if (directQueue != null) {
            directDispatcher = new DirectDispatcher(directQueue, new DirectChannels(directTargets, publicUrl,
                    Duration.ofSeconds(15), clock), observer, clock, owner, options, null).start();
        }
    }

    /**
     * What monitors' direct handles may name: the configured Slack, Teams channels, webhooks and e-mail. Known from
     * construction on, so validation works before {@link #start}.
     */
    public DirectTargets directTargets() {
        return directTargets;
    }

    /** Delivers newly queued direct messages now rather than at the next poll. */
    public void wakeDirect() {
        DirectDispatcher d = directDispatcher;
        if (d != null) {
            d.wake();
        }
    }

    private static DirectTargets directTargets(NotifyConfig config) {
        Duration timeout = Duration.ofSeconds(15);
        Map<String, NamedWebhook> hooks = new LinkedHashMap<>();
        for (NotifyConfig.Webhook w : config.webhooks()) {
            hooks.put(w.name(), new NamedWebhook(w.name(), URI.create(w.url()), w.payload(), w.headers(), w.secret(),
                    w.encodeAsForm()));
            List<String> unknown = new ArrayList<>(TemplatedWebhook.unknownVariables(w.payload() == null ? ""
                    : w.payload()));
            w.headers().values().forEach(v -> unknown.addAll(TemplatedWebhook.unknownVariables(v)));
            if (!unknown.isEmpty()) {
                LOG.warn("notify.webhooks '{}': {} are not variables Tocsin fills in; they are sent as written "
                        + "(known: ${})", w.name(), unknown, String.join(", $", new TreeSet<>(
                        TemplatedWebhook.VARIABLES)));
            }
        }
        return new DirectTargets(config.slack().filter(s -> s.botToken() != null).map(s -> new SlackSettings(
                s.botToken(), URI.create(s.baseUrl()), timeout)), config.slack().map(NotifyConfig.Slack::account)
                .orElse(null), config.teams().map(NotifyConfig.Teams::channels).orElse(Map.of()), hooks,
                config.email().map(e -> new SmtpSettings(e.smtpHost(), e.smtpPort(), e.starttls(), e.tls(),
                        e.username(), e.password(), e.from(), Duration.ofSeconds(e.timeoutSeconds()))));
    }

    /** Whether Slack's Web API is configured ({@code notify.slack.bot_token}), which Slack extensions need. */
    public boolean slackConfigured() {
        return config.slack().filter(s -> s.botToken() != null).isPresent();
    }

    /**
     * Sends PagerDuty's {@code pagey.ping} to a webhook subscription on a virtual thread, once {@link #start started};
     * the outcome is logged and counted, not recorded as a delivery.
     */
    public void ping(Endpoint subscription) {
        PagerDutyWebhookChannel channel = pagerDuty;
        if (channel == null) {
            throw new IllegalStateException("not started");
        }
        Thread.ofVirtual().name("tocsin-webhook-ping").start(() -> {
            try {
                channel.ping(subscription.target(), subscription.id());
                pings.labelValues("delivered").inc();
            } catch (DeliveryException e) {
                LOG.info("Ping to webhook subscription {} failed: {}", subscription.id(), e.getMessage());
                pings.labelValues("failed").inc();
            }
        });
    }

    /** The link signer, once {@link #start started}. */
    public Optional<LinkSigner> signer() {
        return Optional.ofNullable(signer);
    }

    /** The links notifications carry, once {@link #start started}: for answers to callbacks. */
    public Optional<Linker> linker() {
        return Optional.ofNullable(linker);
    }

    private List<Channel> channels(URI publicUrl) {
        List<Channel> channels = new ArrayList<>();
        directTargets.email().ifPresent(e -> channels.add(new SmtpChannel(e, clock)));
        Duration timeout = Duration.ofSeconds(10);
        config.twilio().ifPresent(t -> {
            TwilioSettings s = new TwilioSettings(t.accountSid(), t.authToken(), t.fromNumber(),
                    URI.create(t.baseUrl()), timeout);
            channels.add(new TwilioSmsChannel(s, clock));
            channels.add(new TwilioVoiceChannel(s, clock));
        });
        if (config.twilio().isEmpty()) {
            config.sns().ifPresent(s -> {
                SnsSmsChannel sns = new SnsSmsChannel(new SnsSettings(s.region(),
                        Optional.ofNullable(s.endpoint()).map(URI::create), timeout));
                closeables.add(sns);
                channels.add(sns);
            });
        }
        config.slack().filter(s -> s.botToken() != null).ifPresent(s -> channels.add(new SlackWebApiChannel(
                new SlackSettings(s.botToken(), URI.create(s.baseUrl()), timeout), clock)));
        channels.add(new SlackWebhookChannel(timeout, clock));
        channels.add(new TeamsWebhookChannel(timeout, clock));
        channels.add(new GenericWebhookChannel(publicUrl, timeout, clock));
        channels.add(new PagerDutyWebhookChannel(publicUrl, timeout, clock));
        return channels;
    }

    private static DispatchObserver observer(PrometheusRegistry registry) {
        Counter attempts = Counter.builder().name("tocsin_notifications_total")
                .help("Notification delivery attempts, by channel and outcome (delivered, retry, failed)")
                .labelNames("channel", "outcome").register(registry);
        Counter unreachable = Counter.builder().name("tocsin_notifications_unreachable_total")
                .help("People paged who have no notification rule for the incident's urgency").register(registry);
        unreachable.inc(0);
        Counter held = Counter.builder().name("tocsin_notifications_held_total")
                .help("Deliveries held back by a person's rate limit, to go out in a digest").labelNames("channel")
                .register(registry);
        Counter digests = Counter.builder().name("tocsin_notification_digests_total")
                .help("Digest attempts (one message for the held deliveries of one contact method), by channel and "
                        + "outcome").labelNames("channel", "outcome").register(registry);
        Counter digested = Counter.builder().name("tocsin_notifications_digested_total")
                .help("Held deliveries carried by delivered digests").labelNames("channel").register(registry);
        Counter handoff = Counter.builder().name("tocsin_handoff_notifications_total")
                .help("On-call handoff notification attempts, by channel and outcome").labelNames("channel", "outcome")
                .register(registry);
        for (String channel : List.of("email", "sms", "voice")) {
            held.labelValues(channel);
            digested.labelValues(channel);
        }
        return new DispatchObserver() {
            @Override
            public void handoff(String channel, String outcome) {
                handoff.labelValues(channel, outcome).inc();
            }

            @Override
            public void held(String channel) {
                held.labelValues(channel).inc();
            }

            @Override
            public void digest(String channel, String outcome, int deliveries) {
                digests.labelValues(channel, outcome).inc();
                if (outcome.equals("delivered")) {
                    digested.labelValues(channel).inc(deliveries);
                }
            }

            @Override
            public void attempt(String channel, String outcome) {
                attempts.labelValues(channel, outcome).inc();
            }

            @Override
            public void unreachable(String userId) {
                unreachable.inc();
            }
        };
    }

    private static EventDispatcher.Observer eventObserver(PrometheusRegistry registry) {
        Counter attempts = Counter.builder().name("tocsin_webhook_deliveries_total")
                .help("Incident event delivery attempts to webhook subscriptions and chat extensions, by channel and "
                        + "outcome (delivered, retry, failed)")
                .labelNames("channel", "outcome").register(registry);
        Counter disabled = Counter.builder().name("tocsin_webhook_endpoints_disabled_total")
                .help("Webhook subscriptions and extensions disabled after repeated failed deliveries")
                .register(registry);
        disabled.inc(0);
        return new EventDispatcher.Observer() {
            @Override
            public void attempt(String channel, String outcome) {
                attempts.labelValues(channel, outcome).inc();
            }

            @Override
            public void disabled(Endpoint endpoint) {
                disabled.inc();
            }
        };
    }

    @Override
    public void close() {
        if (eventDispatcher != null) {
            eventDispatcher.close();
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (handoffs != null) {
            handoffs.close();
        }
        if (directDispatcher != null) {
            directDispatcher.close();
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Closing {} failed", c, e);
            }
        }
    }
}
