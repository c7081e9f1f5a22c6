package tocsin.notify.dispatch;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a dispatcher's rounds on one named virtual thread: a round, again at once while rounds find work (a full
 * batch may mean more is due), else after {@code poll}; a failed round is logged and retried after {@code poll}.
 * Thread-safe; {@link #stop} ends the loop after the round in progress.
 */
final class RoundLoop {
    private static final Logger LOG = LoggerFactory.getLogger(RoundLoop.class);

    private final String name;
    private final Duration poll;
    private final IntSupplier round;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile Thread thread;

    RoundLoop(String name, Duration poll, IntSupplier round) {
        this.name = name;
        this.poll = poll;
        this.round = round;
    }

    void start() {
        thread = Thread.ofVirtual().name(name).start(this::loop);
    }

    private void loop() {
        while (stop.getCount() > 0) {
            try {
                while (round.getAsInt() > 0 && stop.getCount() > 0) {
                    // drain
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
    }

    /**
     * Ends the loop, waits up to 30 s for the round in progress, then up to 30 s for the sends still running on
     * {@code senders}; whatever is left unfinished is retried by a later round after its lease.
     */
    void stop(java.util.concurrent.ExecutorService senders) {
        stop.countDown();
        Thread t = thread;
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

    /** Waits for every send of a round; one that crashed is logged and left to its lease. */
    static void awaitAll(java.util.List<java.util.concurrent.Future<?>> inFlight) {
        for (java.util.concurrent.Future<?> f : inFlight) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.error("A delivery crashed; it is retried when its lease expires", e.getCause());
            }
        }
    }
}
