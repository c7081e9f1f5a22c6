package tocsin.monitor.eval;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link MonitorEvaluator#tick()} at a fixed period on one named platform thread, {@code tocsin-monitor-tick}.
 * A tick that throws is logged and the next one runs anyway. Thread-safe; {@link #close()} waits for a running tick.
 */
public final class MonitorTicker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MonitorTicker.class);

    private final ScheduledExecutorService executor;

    private MonitorTicker(ScheduledExecutorService executor) {
        this.executor = executor;
    }

    public static MonitorTicker start(MonitorEvaluator evaluator, Duration period) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tocsin-monitor-tick");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                evaluator.tick();
            } catch (RuntimeException e) {
                LOG.error("Monitor tick failed", e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return new MonitorTicker(executor);
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
            executor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "MonitorTicker";
    }
}
