package tocsin.notify.dispatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
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
 * The machinery a delivery loop needs around its rounds: one virtual thread that runs a round every {@code poll}
 * (again at once while rounds find work), sends on virtual threads with at most {@code perKind} at once per channel
 * kind, and a close that stops the loop and waits for the sends in flight. Used by the {@link Dispatcher} and by the
 * event dispatcher of webhook subscriptions. Thread-safe.
 */
public final class Rounds implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Rounds.class);

    private final String name;
    private final Duration poll;
    private final Map<Target.Kind, Semaphore> perKind = new EnumMap<>(Target.Kind.class);
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile Thread loop;

    /** @param name the loop thread's name, also used in log lines */
    public Rounds(String name, Duration poll, int perKind) {
        this.name = Objects.requireNonNull(name, "name");
        this.poll = Objects.requireNonNull(poll, "poll");
        for (Target.Kind kind : Target.Kind.values()) {
            this.perKind.put(kind, new Semaphore(perKind));
        }
    }

    /** Runs {@code round} in the background until {@link #close()}; a round returns how much work it found. */
    public void start(IntSupplier round) {
        loop = Thread.ofVirtual().name(name).start(() -> {
            while (!closed.get()) {
                try {
                    while (round.getAsInt() > 0 && !closed.get()) {
                        // drain: a full batch may mean more is due
                    }
                } catch (RuntimeException e) {
                    LOG.warn("{} round failed; retrying in {}", name, poll, e);
                }
                try {
                    if (stop.await(poll.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Runs {@code work} for each item on its own virtual thread and returns when all have finished. */
    public <T> void sendAll(List<T> items, Consumer<T> work) {
        List<Future<?>> inFlight = new ArrayList<>(items.size());
        for (T item : items) {
            inFlight.add(senders.submit(() -> work.accept(item)));
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

    /** Stops the loop and waits up to 30 s for sends in flight; unfinished claims are retried after their lease. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stop.countDown();
        Thread t = loop;
        try {
            if (t != null && !t.join(Duration.ofSeconds(30))) {
                LOG.warn("The {} round did not finish within 30 s; its claims are retried after their lease", name);
            }
            senders.shutdown();
            if (!senders.awaitTermination(30, TimeUnit.SECONDS)) {
                senders.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            senders.shutdownNow();
        }
    }
}
