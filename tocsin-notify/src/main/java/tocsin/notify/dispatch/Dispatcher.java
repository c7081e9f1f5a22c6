package tocsin.notify.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tocsin.notify.Channels;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;
import tocsin.notify.RetryPolicy;
import tocsin.notify.Target;
import tocsin.notify.dispatch.DeliveryQueue.Attempt;
import tocsin.notify.dispatch.DeliveryQueue.Claim;
import tocsin.notify.dispatch.DeliveryQueue.HeldGroup;
import tocsin.notify.dispatch.DeliveryQueue.Outcome;
import tocsin.notify.dispatch.DeliveryQueue.Plan;
import tocsin.notify.dispatch.DeliveryQueue.Request;
import tocsin.notify.noise.Digest;
import tocsin.notify.noise.NoiseGate;
import tocsin.notify.noise.NoisePolicy;

/**
 * Delivers the notification outbox to people.
 *
 * <h2>Design note</h2>
 * One {@link #runOnce() round}: (1) <b>expand</b> every pending outbox request into one delivery per notification
 * rule of the person for the incident's urgency, due at the request time plus the rule's delay (idempotent in the
 * queue, so a crash between two rounds never plans twice; a person without a rule is logged on the incident and
 * counted, never silently skipped); (2) <b>claim</b> the due deliveries under a lease; the queue cancels, in the same
 * transaction, deliveries of incidents that are no longer triggered, so nothing goes out after an acknowledgement;
 * (3) <b>send</b> each claim on a virtual thread through {@link Channels}, at most {@code perChannel} at once per
 * channel kind; (4) <b>record</b> the attempt in the incident's timeline and move the delivery on: delivered; again
 * at a time the {@link RetryPolicy} picks (backoff with full jitter); or failed, for a permanent failure or when
 * the policy gives up.
 *
 * <p><b>Noise control.</b> Before each message to a person the {@link NoiseGate} is asked for a token of that person's
 * budget for the channel kind ({@link NoisePolicy}); without one the delivery is {@link DeliveryQueue#hold held}
 * (recorded on the incident, counted, never dropped). Each round starts with the digests, before new deliveries can
 * take the tokens, so held pages cannot starve in a long storm: for every person and contact method with held
 * deliveries, once the gate allows, all of them are leased at once and sent as ONE message: a {@link Digest}
 * ({@link Channels#sendNotice}), or the page itself when they concern one incident only. The digest's idempotency
 * key is derived from the set of deliveries it carries, and the queue claims an interrupted digest again as the
 * same set, so a crash mid-digest resends the same e-mail {@code Message-ID}. Held pages of incidents acknowledged
 * or resolved meanwhile are cancelled by the queue, not digested. Retries of a digest follow the same
 * {@link RetryPolicy}, counting the digest's own attempts. Every message sent spends a token, retries included: a
 * provider that keeps failing turns a person's next pages into a digest rather than a second storm.
 *
 * <p><b>Crash.</b> A dispatcher killed mid-send leaves its claims {@code SENDING}; when their lease expires another
 * round (here or on another node) claims them again and sends with the same {@link tocsin.notify.IdempotencyKey},
 * from which channels derive the e-mail {@code Message-ID} and webhook idempotency headers that providers dedupe
 * on. The lease must therefore be longer than any channel's timeout.
 *
 * <p>Thread-safe. Time comes from the injected clock only; {@link #start} runs rounds on one virtual thread every
 * {@code poll}, {@link #close()} stops it and waits for the sends in flight.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /**
     * @param poll       how often a background round runs
     * @param lease      how long a claim is held before another dispatcher may retry it
     * @param batch      deliveries claimed per round
     * @param perChannel concurrent sends per channel kind
     * @param retry      when to retry a failed attempt
     */
    public record Options(Duration poll, Duration lease, int batch, int perChannel, RetryPolicy retry,
                          NoisePolicy noise) {
        public Options {
            Objects.requireNonNull(poll, "poll");
            Objects.requireNonNull(lease, "lease");
            Objects.requireNonNull(retry, "retry");
            Objects.requireNonNull(noise, "noise");
            if (poll.isNegative() || poll.isZero() || lease.isNegative() || lease.isZero()) {
                throw new IllegalArgumentException("poll and lease must be positive");
            }
            if (batch < 1 || perChannel < 1) {
                throw new IllegalArgumentException("batch and perChannel must be at least 1");
            }
        }

        /** Options without rate limits. */
        public Options(Duration poll, Duration lease, int batch, int perChannel, RetryPolicy retry) {
            this(poll, lease, batch, perChannel, retry, NoisePolicy.off());
        }

        /**
         * Half-second rounds, two-minute leases (above every channel's timeout), 4 sends per channel at once, the
         * default rate limits.
         */
        public static Options defaults() {
            return new Options(Duration.ofMillis(500), Duration.ofMinutes(2), 64, 4, RetryPolicy.PAGING,
                    NoisePolicy.defaults());
        }

        public Options withNoise(NoisePolicy policy) {
            return new Options(poll, lease, batch, perChannel, retry, policy);
        }
    }

    private final DeliveryQueue queue;
    private final Recipients recipients;
    private final Channels channels;
    private final Linker linker;
    private final DispatchObserver observer;
    private final InstantSource clock;
    private final String owner;
    private final Options options;
    private final RandomGenerator random;
    private final NoiseGate noise;
    private final Rounds rounds;

    /**
     * @param owner  this dispatcher's name in leases (e.g. host and process id): unique per process
     * @param random the jitter source; null for {@link ThreadLocalRandom}
     */
    public Dispatcher(DeliveryQueue queue, Recipients recipients, Channels channels, Linker linker,
                      DispatchObserver observer, InstantSource clock, String owner, Options options,
                      RandomGenerator random) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.recipients = Objects.requireNonNull(recipients, "recipients");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.linker = Objects.requireNonNull(linker, "linker");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.options = Objects.requireNonNull(options, "options");
        this.random = random;
        this.noise = new NoiseGate(options.noise(), clock);
        this.rounds = new Rounds("tocsin-dispatcher", options.poll(), options.perChannel(), this::runOnce);
    }

    /** Starts rounds in the background, every {@code options.poll()}. */
    public Dispatcher start() {
        rounds.start();
        return this;
    }

    /**
     * One round: expand pending requests, send the digests the limits allow, claim what is due, send it, record it.
     * Returns when every claimed delivery has been attempted.
     *
     * @return the number of deliveries and digests attempted: 0 when there was nothing to do, even while pages are
     *         held (so the background loop waits for its next poll rather than spinning)
     */
    public int runOnce() {
        expandPending();
        AtomicInteger digested = new AtomicInteger();
        rounds.sendAll(queue.heldGroups(clock.instant()), g -> {
            if (digest(g)) {
                digested.incrementAndGet();
            }
        });
        List<Claim> claims = queue.claim(owner, clock.instant(), options.lease(), options.batch());
        rounds.sendAll(claims, this::deliver);
        return claims.size() + digested.get();
    }

    private void expandPending() {
        for (Request r : queue.pending(options.batch())) {
            List<Recipients.Rule> rules = recipients.rules(r.userId(), r.urgency());
            List<Plan> plans = rules.stream()
                    .map(rule -> new Plan(rule.id(), rule.contactMethodId(), r.createdAt().plus(rule.delay())))
                    .toList();
            String problem = "Could not notify user " + r.userId() + ": no notification rule for "
                    + r.urgency().wireName() + "-urgency incidents (add a contact method and a notification rule)";
            if (queue.expand(r, plans, problem, clock.instant()) && plans.isEmpty()) {
                LOG.warn("Incident {} step {}: user {} has no {}-urgency notification rule; nobody was notified "
                        + "through them", r.incidentId(), r.step(), r.userId(), r.urgency().wireName());
                observer.unreachable(r.userId());
            }
        }
    }

    private void deliver(Claim c) {
        Optional<Target> target;
        try {
            target = recipients.target(c.key().userId(), c.key().contactMethodId());
        } catch (IllegalArgumentException e) {
            record(c, "none", "contact method " + c.key().contactMethodId(), Outcome.FAILED, Optional.empty(),
                    "cannot deliver: " + e.getMessage(), Optional.empty());
            return;
        }
        if (target.isEmpty()) {
            record(c, "none", "contact method " + c.key().contactMethodId(), Outcome.FAILED, Optional.empty(),
                    "the contact method was deleted", Optional.empty());
            return;
        }
        Target t = target.get();
        String channel = t.kind().name().toLowerCase(Locale.ROOT);
        if (!noise.tryAcquire(c.key().userId(), t.kind())) {
            Instant now = clock.instant();
            queue.hold(c, now, channel, t.address(), "over the rate limit of "
                    + options.noise().limit(t.kind()).map(Object::toString).orElse("?") + " " + channel
                    + " messages; the next message may go out at "
                    + noise.nextAllowed(c.key().userId(), t.kind(), now));
            observer.held(channel);
            return;
        }
        rounds.withPermit(t.kind(), () -> {
            try {
                Delivery d = channels.send(notification(c, t));
                record(c, channel, t.address(), Outcome.DELIVERED, Optional.of(d.providerMessageId()), d.detail(),
                        Optional.empty());
            } catch (DeliveryException e) {
                failed(c, channel, t, e);
            }
        });
    }

    private Notification notification(Claim c, Target t) {
        return new Notification(c.key(), t, c.event(), c.incident(), linker.links(c.incident(), c.key().userId()),
                c.requestedAt(), c.providerMessageId());
    }

    /**
     * Sends the held deliveries of one person's contact method as one message once the gate allows, and records it
     * on each. A contact method that was deleted or cannot be delivered to fails them all, loudly.
     *
     * @return whether a digest was attempted (false: still over the limit, or another dispatcher had them)
     */
    private boolean digest(HeldGroup g) {
        Target t;
        String problem = null;
        try {
            t = recipients.target(g.userId(), g.contactMethodId()).orElse(null);
            problem = t == null ? "the contact method was deleted" : null;
        } catch (IllegalArgumentException e) {
            t = null;
            problem = "cannot deliver: " + e.getMessage();
        }
        if (t != null && !noise.tryAcquire(g.userId(), t.kind())) {
            return false; // still over the limit: the next round asks again
        }
        List<Claim> claims = queue.claimDigest(owner, g, clock.instant(), options.lease(), options.batch());
        if (claims.isEmpty()) {
            return false;
        }
        if (t == null) {
            queue.recordDigest(claims, new Attempt(clock.instant(), "none", "contact method " + g.contactMethodId(),
                    Outcome.FAILED, Optional.empty(), problem, Optional.empty()), claims.size());
            observer.digest("none", "failed", claims.size());
            return true;
        }
        String channel = t.kind().name().toLowerCase(Locale.ROOT);
        List<IncidentSnapshot> incidents = claims.stream().map(Claim::incident).toList();
        int distinct = (int) incidents.stream().map(IncidentSnapshot::id).distinct().count();
        Target to = t;
        Attempt[] attempt = new Attempt[1];
        rounds.withPermit(t.kind(), () -> {
            try {
                Delivery d = distinct == 1 ? channels.send(notification(claims.getLast(), to))
                        : channels.sendNotice(new Digest(incidents, linker.incidentList(incidents.getFirst(),
                        g.userId())).notice(digestKey(g, claims), to));
                attempt[0] = new Attempt(clock.instant(), channel, to.address(), Outcome.DELIVERED,
                        Optional.of(d.providerMessageId()), d.detail(), Optional.empty());
            } catch (DeliveryException e) {
                int attempts = claims.stream().mapToInt(Claim::attempts).min().orElse(1);
                Instant first = claims.stream().map(Claim::firstAttemptAt).max(Instant::compareTo).orElseThrow();
                attempt[0] = Attempt.failed(options.retry(), attempts, first, clock.instant(), e, jitter(), channel,
                        to.address());
                if (attempt[0].outcome() == Outcome.FAILED) {
                    LOG.warn("Digest of {} held notifications to {} failed for good: {}", claims.size(), to,
                            attempt[0].detail());
                }
            }
        });
        queue.recordDigest(claims, attempt[0], distinct);
        observer.digest(channel, attempt[0].outcome().name().toLowerCase(Locale.ROOT), claims.size());
        return true;
    }

    /** The digest's idempotency key: its recipient and the set of deliveries it carries, so a resend keeps it. */
    static String digestKey(HeldGroup g, List<Claim> claims) {
        return "digest/" + g.userId() + "/" + g.contactMethodId() + "/" + String.join(",",
                claims.stream().map(Claim::deliveryId).sorted().toList());
    }

    private void failed(Claim c, String channel, Target t, DeliveryException e) {
        Attempt a = Attempt.failed(options.retry(), c.attempts(), c.firstAttemptAt(), clock.instant(), e, jitter(),
                channel, t.address());
        if (a.outcome() == Outcome.FAILED) {
            LOG.warn("Notification {} to {} failed for good: {}", c.key(), t, a.detail());
        }
        record(c, a);
    }

    private RandomGenerator jitter() {
        return random == null ? ThreadLocalRandom.current() : random;
    }

    private void record(Claim c, Attempt a) {
        queue.record(c, a);
        observer.attempt(a.channel(), a.outcome().name().toLowerCase(Locale.ROOT));
    }

    private void record(Claim c, String channel, String target, Outcome outcome, Optional<String> messageId,
                        String detail, Optional<Instant> retryAt) {
        record(c, new Attempt(clock.instant(), channel, target, outcome, messageId, detail, retryAt));
    }

    /** Stops the background rounds and waits up to 30 s for sends in flight; unfinished claims are retried later. */
    @Override
    public void close() {
        rounds.close();
    }
}
