package tocsin.notify.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tocsin.notify.Target;

/**
 * The loop a delivery worker runs: a round on one virtual thread every {@code poll} (and at once after
 * {@link #wake()}), repeated while a round found work; each round's sends on their own virtual threads, at most
 * {@code perKind} at once per channel kind ({@link #withPermit}). Shared by the paging {@link Dispatcher}, the
 * direct-message dispatcher of monitors and the event dispatcher of webhook subscriptions. {@link #close()} stops
 * the loop and waits up to 30 s for sends in flight (what is unfinished is retried after its lease). Thread-safe.
 */
public final class Rounds implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rounds.class);
    private static final Duration GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Duration poll;
    private final IntSupplier round;
    private final Map<Target.Kind, Semaphore> perKind = new EnumMap<>(Target.Kind.class);
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore wakeups = new Semaphore(0);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Thread loop;

    /**
     * @param name    the loop thread's name, also used in log lines
     * @param perKind concurrent sends per channel kind
     * @param round   one round; returns how much it did (0: nothing was due)
     */
    public Rounds(String name, Duration poll, int perKind, IntSupplier round) {
        this.name = Objects.requireNonNull(name, "name");
        this.poll = Objects.requireNonNull(poll, "poll");
        this.round = Objects.requireNonNull(round, "round");
        for (Target.Kind kind : Target.Kind.values()) {
            this.perKind.put(kind, new Semaphore(perKind));
        }
    }

    /** Starts the background loop. */
    public void start() {
        loop = Thread.ofVirtual().name(name).start(this::loop);
    }

    /** Asks for a round now. Cheap; never blocks. */
    public void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    private void loop() {
        while (!closed.get()) {
            try {
                while (round.getAsInt() > 0 && !closed.get()) {
                    // drain: more may be due
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: round failed; retrying in {}", name, poll, e);
            }
            try {
                wakeups.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Runs {@code send} for every item on its own virtual thread and returns when all have finished. */
    public <T> void sendAll(List<T> items, Consumer<T> send) {
        List<Future<?>> inFlight = new ArrayList<>(items.size());
        for (T item : items) {
            inFlight.add(senders.submit(() -> send.accept(item)));
        }
        for (Future<?> f : inFlight) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException e) {
                LOG.error("{}: a send crashed; it is retried when its lease expires", name, e.getCause());
            }
        }
    }

    /** Runs {@code work} holding one of the permits of {@code kind}. */
    public void withPermit(Target.Kind kind, Runnable work) {
        Semaphore permits = perKind.get(kind);
        permits.acquireUninterruptibly();
        try {
            work.run();
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        wakeups.release();
        Thread t = loop;
        try {
            if (t != null && !t.join(GRACE)) {
                LOG.warn("{}: the round did not finish within {}; its claims are retried after their lease", name,
                        GRACE);
            }
            senders.shutdown();
            if (!senders.awaitTermination(GRACE.toSeconds(), TimeUnit.SECONDS)) {
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            senders.shutdownNow();
        }
    }
}
