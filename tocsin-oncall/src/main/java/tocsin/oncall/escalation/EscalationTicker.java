package tocsin.oncall.escalation;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives an {@link EscalationEngine}: one named platform thread that fires due timers every {@code interval} (and
 * again at once while a batch was full). Timers live in the database, so stopping the ticker loses nothing: what
 * falls due meanwhile fires on the next start. A failing run (database down) is logged and retried on the next tick.
 *
 * <p>Thread-safe; {@link #close()} stops the thread and waits for a run in progress to finish.
 */
public final class EscalationTicker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EscalationTicker.class);
    private static final int BATCH = 200;

    private final EscalationEngine engine;
    private final Duration interval;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);

    private EscalationTicker(EscalationEngine engine, Duration interval) {
        this.engine = engine;
        this.interval = interval;
        this.thread = Thread.ofPlatform().name("tocsin-escalation").daemon(true).unstarted(this::loop);
    }

    /** Starts ticking every {@code interval}. */
    public static EscalationTicker start(EscalationEngine engine, Duration interval) {
        EscalationTicker ticker = new EscalationTicker(engine, interval);
        ticker.thread.start();
        return ticker;
    }

    private void loop() {
        long failures = 0;
        while (stop.getCount() > 0) {
            try {
                int applied;
                do {
                    applied = engine.runDue(BATCH);
                } while (applied >= BATCH && stop.getCount() > 0);
                failures = 0;
            } catch (RuntimeException e) {
                if (failures++ % 60 == 0) {
                    LOG.error("Escalation timers could not be run; retrying every {}", interval, e);
                }
            }
            try {
                if (stop.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "EscalationTicker[every " + interval + "]";
    }
}
