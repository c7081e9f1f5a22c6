package tocsin.monitor.eval;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.monitor.MonitorIncidentAction;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Applies the {@link IncidentOutbox}: opens and resolves the incidents of {@code @pagerduty-<service>} and
 * {@code @oncall-<team>} handles through the {@link IncidentSink}.
 *
 * <h2>Design note</h2>
 * The evaluator writes each action in the transaction of the transition that caused it, then wakes this worker
 * ({@link #wake()}), so an incident opens within milliseconds of the transition, and a crash between the two loses
 * nothing: the action waits in the outbox. A round claims what is due under a lease and applies it, one action at a
 * time (each is one local database transaction on the incident side), then records it. A failed action is retried
 * with exponential backoff ({@code retry}, doubling up to {@code maxBackoff}) and given up after
 * {@code maxAttempts}, logged and counted ({@link #failures()}).
 *
 * <p><b>Idempotence.</b> A worker killed after applying an action but before recording it applies it again once its
 * lease expires. That is harmless because the incident side follows the Events API v2: a trigger whose dedup key (one
 * per monitor group) names an open alert only counts it again, and a resolve of a key that names nothing open is
 * ignored. What would not be harmless, a trigger replayed after its resolve, cannot happen: the outbox hands out the
 * actions of one key one at a time, in order.
 *
 * <p>Rounds run on one virtual thread, every {@code poll} and at once after {@link #wake()}. Thread-safe. Time comes
 * from the injected clock only.
 */
public final class IncidentDispatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IncidentDispatcher.class);

    /**
     * How the worker runs.
     *
     * @param poll        how often a round runs without a wake
     * @param lease       how long a claimed action is held; must outlast applying one
     * @param batch       the most actions one round claims
     * @param retry       the first retry's delay, doubled for each further attempt
     * @param maxBackoff  the longest delay between attempts
     * @param maxAttempts attempts before an action is given up
     */
    public record Options(Duration poll, Duration lease, int batch, Duration retry, Duration maxBackoff,
                          int maxAttempts) {
        public static Options defaults() {
            return new Options(Duration.ofSeconds(1), Duration.ofMinutes(1), 100, Duration.ofSeconds(1),
                    Duration.ofMinutes(5), 30);
        }
    }

    private final IncidentOutbox outbox;
    private final IncidentSink sink;
    private final InstantSource clock;
    private final String owner;
    private final Options options;
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder applied = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private volatile Thread loop;

    /** @param owner this worker's name in leases: unique per process */
    public IncidentDispatcher(IncidentOutbox outbox, IncidentSink sink, InstantSource clock, String owner,
                              Options options) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Starts rounds in the background: every {@code poll}, and on {@link #wake()}. */
    public IncidentDispatcher start() {
        loop = Thread.ofVirtual().name("tocsin-monitor-incidents").start(this::run);
        return this;
    }

    /** Asks for a round now (actions were written). Cheap; never blocks. */
    public void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    /** Actions applied since start. */
    public long applied() {
        return applied.sum();
    }

    /** Failed attempts since start (each retried, or given up after the last). */
    public long failures() {
        return failures.sum();
    }

    private void run() {
        while (!closed.get()) {
            try {
                while (runOnce() > 0 && !closed.get()) {
                    // drain: more may be due, or released by what was just applied
                }
            } catch (RuntimeException e) {
                LOG.warn("Monitor incidents: round failed; retrying in {}", options.poll(), e);
            }
            try {
                wakeups.tryAcquire(options.poll().toMillis(), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * One round: claim what is due, apply it, record it.
     *
     * @return the number of actions attempted
     */
    public int runOnce() {
        List<IncidentOutbox.Claim> claims = outbox.claim(owner, clock.instant(), options.lease(), options.batch());
        for (IncidentOutbox.Claim c : claims) {
            apply(c);
        }
        return claims.size();
    }

    private void apply(IncidentOutbox.Claim c) {
        MonitorIncidentAction a = c.action();
        try {
            if (a.action() == MonitorIncidentAction.Action.TRIGGER) {
                sink.trigger(a.handle(), a.dedupKey(), a.summary(), a.details());
            } else {
                sink.resolve(a.handle(), a.dedupKey());
            }
        } catch (RuntimeException e) {
            failures.increment();
            Instant now = clock.instant();
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            Optional<Instant> retryAt = c.attempts() >= options.maxAttempts() ? Optional.empty()
                    : Optional.of(now.plus(backoff(c.attempts())));
            if (retryAt.isEmpty()) {
                LOG.error("Monitor {} group {}: {} of {} failed {} times; given up", a.monitorId(), a.group(),
                        a.action(), a.handle().text(), c.attempts(), e);
            } else {
                LOG.warn("Monitor {} group {}: {} of {} failed (attempt {}), retried at {}: {}", a.monitorId(),
                        a.group(), a.action(), a.handle().text(), c.attempts(), retryAt.get(), error);
            }
            outbox.retry(c, now, retryAt, error);
            return;
        }
        applied.increment();
        outbox.applied(c, clock.instant());
    }

    /** The delay after {@code attempts} failed attempts: {@code retry * 2^(attempts-1)}, at most maxBackoff. */
    Duration backoff(int attempts) {
        Duration d = options.retry().multipliedBy(1L << Math.min(30, Math.max(0, attempts - 1)));
        return d.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : d;
    }

    /** Stops the rounds and waits for the one in progress; what it held is retried after its lease. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        wakeups.release();
        Thread t = loop;
        if (t != null) {
            try {
                if (!t.join(Duration.ofSeconds(30))) {
                    LOG.warn("Monitor incidents: the round did not finish; its claims are retried after their lease");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "IncidentDispatcher";
    }
}
