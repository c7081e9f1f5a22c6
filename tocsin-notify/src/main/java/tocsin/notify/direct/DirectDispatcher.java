package tocsin.notify.direct;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.dispatch.DeliveryQueue.Attempt;
import tocsin.notify.dispatch.DeliveryQueue.Outcome;
import tocsin.notify.dispatch.DispatchObserver;
import tocsin.notify.dispatch.Dispatcher;
import tocsin.notify.dispatch.Rounds;

import java.time.InstantSource;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Delivers the {@link DirectQueue}.
 *
 * <h2>Design note</h2>
 * One {@link #runOnce() round} claims the due messages under a lease, sends each on a virtual thread through
 * {@link DirectChannels} (at most {@code perChannel} at once per kind) and records the attempt: delivered; again at a
 * time the {@link RetryPolicy} picks (exponential backoff with full jitter, honouring {@code Retry-After}); or failed
 * for good. Rounds run every {@code poll} and whenever {@link #wake()} is called (the producer calls it after
 * committing a message), so a message usually leaves within milliseconds of its transaction.
 *
 * <p><b>Crash.</b> A message whose sender died stays leased; once the lease expires a round here or on another node
 * claims it again and sends it with the same key, from which the webhook's {@code X-Tocsin-Delivery} and the mail's
 * {@code Message-ID} derive, so receivers that dedupe see it once. The lease must outlast every channel's timeout.
 * This is the same discipline as the paging {@link Dispatcher}, whose {@link Dispatcher.Options} it takes.
 *
 * <p>Thread-safe. Time comes from the injected clock only.
 */
public final class DirectDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DirectDispatcher.class);

    private final DirectQueue queue;
    private final DirectChannels channels;
    private final DispatchObserver observer;
    private final InstantSource clock;
    private final String owner;
    private final Dispatcher.Options options;
    private final RandomGenerator random;
    private final Map<DirectMessage.Kind, Semaphore> perChannel = new EnumMap<>(DirectMessage.Kind.class);
    private final Rounds rounds;

    /**
     * @param owner  this dispatcher's name in leases: unique per process
     * @param random the jitter source; null for {@link ThreadLocalRandom}
     */
    public DirectDispatcher(DirectQueue queue, DirectChannels channels, DispatchObserver observer,
                            InstantSource clock, String owner, Dispatcher.Options options, RandomGenerator random) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.observer = Objects.requireNonNull(observer, "observer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.options = Objects.requireNonNull(options, "options");
        this.random = random;
        for (DirectMessage.Kind k : DirectMessage.Kind.values()) {
            perChannel.put(k, new Semaphore(options.perChannel()));
        }
        this.rounds = new Rounds("tocsin-direct-dispatcher", options.poll(), options.perChannel(), this::runOnce);
    }

    /** Starts rounds in the background: every {@code poll}, and on {@link #wake()}. */
    public DirectDispatcher start() {
        rounds.start();
        return this;
    }

    /** Asks for a round now (messages were queued). Cheap; never blocks. */
    public void wake() {
        rounds.wake();
    }

    /**
     * One round: claim what is due, send it, record it. Returns when every claimed message has been attempted.
     *
     * @return the number of messages attempted
     */
    public int runOnce() {
        List<DirectQueue.Claim> claims = queue.claim(owner, clock.instant(), options.lease(), options.batch());
        rounds.sendAll(claims, this::deliver);
        return claims.size();
    }

    private void deliver(DirectQueue.Claim c) {
        DirectMessage m = c.message();
        String channel = m.kind().name().toLowerCase(Locale.ROOT);
        Semaphore permits = perChannel.get(m.kind());
        permits.acquireUninterruptibly();
        Attempt a;
        try {
            Delivery d = channels.send(m);
            a = new Attempt(clock.instant(), channel, m.target(), Outcome.DELIVERED,
                    Optional.of(d.providerMessageId()), d.detail(), Optional.empty());
        } catch (DeliveryException e) {
            a = Attempt.failed(options.retry(), c.attempts(), c.firstAttemptAt(), clock.instant(), e,
                    random == null ? ThreadLocalRandom.current() : random, channel, m.target());
            if (a.outcome() == Outcome.FAILED) {
                LOG.warn("Direct message {} to {} {} failed for good: {}", m.key(), channel, m.target(), a.detail());
            }
        } finally {
            permits.release();
        }
        queue.record(c, a);
        observer.attempt(channel, a.outcome().name().toLowerCase(Locale.ROOT));
    }

    /** Stops the rounds and waits up to 30 s for sends in flight; unfinished claims are retried after their lease. */
    @Override
    public void close() {
        rounds.close();
    }
}
