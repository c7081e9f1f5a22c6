package tocsin.notify.dispatch;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tocsin.notify.Channels;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.Target;
import tocsin.notify.dispatch.DeliveryQueue.Attempt;
import tocsin.notify.dispatch.DeliveryQueue.Outcome;
import tocsin.notify.template.HandoffTemplate;

/**
 * Delivers on-call handoff notifications: "you are on call for Primary from 09:00", "your shift ended".
 *
 * <h2>Design note</h2>
 * The escalation engine records a handoff request once per shift start or end ({@link HandoffQueue}); each round
 * here (1) <b>expands</b> every new request into one delivery per contact method the person receives handoffs on
 * ({@link Recipients#handoffContactMethods}: e-mail and SMS, never a call), idempotently, and says loudly when there
 * is none; (2) <b>claims</b> due deliveries under a lease; (3) <b>sends</b> each as a {@link tocsin.notify.Notice}
 * on a virtual thread; (4) <b>records</b> it, retrying retryable failures with the pages' {@link
 * tocsin.notify.RetryPolicy}. Its own loop, so a slow mail server never delays a page.
 *
 * <p><b>Crash.</b> As for pages: a claim whose dispatcher died is claimed again after its lease and sent with the same
 * idempotency key (the handoff's, per contact method), hence the same e-mail {@code Message-ID}. Rate limits do not
 * apply: a handoff comes once per shift.
 *
 * <p>Thread-safe. Time from the injected clock only; {@link #start} runs rounds every {@code options.poll()},
 * {@link #close()} stops them and waits for the sends in flight.
 */
public final class HandoffDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HandoffDispatcher.class);

    private final HandoffQueue queue;
    private final Recipients recipients;
    private final Channels channels;
    private final String publicUrl;
    private final DispatchObserver observer;
    private final InstantSource clock;
    private final String owner;
    private final Dispatcher.Options options;
    private final RandomGenerator random;
    private final Rounds rounds;

    /**
     * @param publicUrl where people reach Tocsin: the messages link to the schedule's page under it
     * @param owner     this dispatcher's name in leases, unique per process
     * @param random    the jitter source; null for the thread-local one
     */
    public HandoffDispatcher(HandoffQueue queue, Recipients recipients, Channels channels, URI publicUrl,
                             DispatchObserver observer, InstantSource clock, String owner, Dispatcher.Options options,
                             RandomGenerator random) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.recipients = Objects.requireNonNull(recipients, "recipients");
        this.channels = Objects.requireNonNull(channels, "channels");
        String base = publicUrl.toString();
        this.publicUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.observer = Objects.requireNonNull(observer, "observer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.options = Objects.requireNonNull(options, "options");
        this.random = random;
        this.rounds = new Rounds("tocsin-handoffs", options.poll(), options.perChannel(), this::runOnce);
    }

    public HandoffDispatcher start() {
        rounds.start();
        return this;
    }

    /**
     * One round: expand new requests, claim what is due, send and record it.
     *
     * @return the number of deliveries attempted
     */
    public int runOnce() {
        for (HandoffQueue.Request r : queue.pending(options.batch())) {
            List<String> contactMethods = recipients.handoffContactMethods(r.userId());
            if (queue.expand(r, contactMethods, clock.instant()) && contactMethods.isEmpty()) {
                LOG.warn("User {} goes {} for schedule {} but has no e-mail or SMS contact method to be told by",
                        r.userId(), r.change() == HandoffQueue.Change.ON_CALL ? "on call" : "off call",
                        r.scheduleId());
                observer.handoff("none", "unreachable");
            }
        }
        List<HandoffQueue.Claim> claims = queue.claim(owner, clock.instant(), options.lease(), options.batch());
        rounds.sendAll(claims, this::deliver);
        return claims.size();
    }

    private void deliver(HandoffQueue.Claim c) {
        Optional<Target> target;
        try {
            target = recipients.target(c.request().userId(), c.contactMethodId());
        } catch (IllegalArgumentException e) {
            target = Optional.empty();
        }
        if (target.isEmpty()) {
            record(c, new Attempt(clock.instant(), "none", "contact method " + c.contactMethodId(), Outcome.FAILED,
                    Optional.empty(), "the contact method was deleted or cannot be delivered to", Optional.empty()));
            return;
        }
        Target t = target.get();
        String channel = t.kind().name().toLowerCase(Locale.ROOT);
        HandoffQueue.Request r = c.request();
        URI schedule = URI.create(publicUrl + "/schedules/" + URLEncoder.encode(r.scheduleId(),
                StandardCharsets.UTF_8));
        Attempt attempt;
        try {
            Delivery d = channels.sendNotice(HandoffTemplate.notice(c.key(), t,
                    r.change() == HandoffQueue.Change.ON_CALL, r.scheduleName(), r.at().atZone(r.zone()), schedule));
            attempt = new Attempt(clock.instant(), channel, t.address(), Outcome.DELIVERED,
                    Optional.of(d.providerMessageId()), d.detail(), Optional.empty());
        } catch (DeliveryException e) {
            attempt = Attempt.failed(options.retry(), c.attempts(), c.firstAttemptAt(), clock.instant(), e,
                    random == null ? java.util.concurrent.ThreadLocalRandom.current() : random, channel,
                    t.address());
            if (attempt.outcome() == Outcome.FAILED) {
                LOG.warn("Handoff notification {} to {} failed for good: {}", c.key(), t, attempt.detail());
            }
        }
        record(c, attempt);
    }

    private void record(HandoffQueue.Claim c, Attempt a) {
        queue.record(c, a);
        observer.handoff(a.channel(), a.outcome().name().toLowerCase(Locale.ROOT));
    }

    /** Stops the rounds and waits up to 30 s for sends in flight; unfinished claims are retried after the lease. */
    @Override
    public void close() {
        rounds.close();
    }
}
