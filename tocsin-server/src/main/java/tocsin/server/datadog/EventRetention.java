package tocsin.server.datadog;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tocsin.core.event.EventStore;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes events older than the retention (the metrics', {@code metrics.retention}: events are read beside metrics),
 * a minute after start and then every hour, on its own daemon thread. A failed run is logged and retried at the
 * next. Thread-safe.
 */
public final class EventRetention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventRetention.class);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("tocsin-event-retention").daemon().factory());

    private EventRetention() {
    }

    public static EventRetention start(EventStore store, Duration retention, InstantSource clock) {
        EventRetention r = new EventRetention();
        r.scheduler.scheduleWithFixedDelay(() -> {
            try {
                int deleted = store.deleteBefore(clock.instant().minus(retention));
                if (deleted > 0) {
                    LOG.info("Deleted {} events older than {}", deleted, retention);
                }
            } catch (RuntimeException e) {
                LOG.warn("Deleting old events failed; retrying in an hour", e);
            }
        }, 1, 60, TimeUnit.MINUTES);
        return r;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
