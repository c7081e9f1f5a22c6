package tocsin.server.pagerduty;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * PagerDuty's per-integration-key event rate limit: a token bucket per key holding {@code perMinute} tokens,
 * refilled continuously. Only keys of existing integrations are ever tracked, so the map is bounded by the number of
 * integrations. Thread-safe; time comes from the injected clock.
 */
final class EventRateLimit {
    private final InstantSource clock;
    private final double perMinute;
    private final ConcurrentMap<String, double[]> buckets = new ConcurrentHashMap<>();

    EventRateLimit(InstantSource clock, int perMinute) {
        this.clock = clock;
        this.perMinute = perMinute;
    }

    /** Takes one token for {@code key}; false when the key has sent too many events lately. */
    boolean tryAcquire(String key) {
        long now = clock.millis();
        boolean[] granted = new boolean[1];
        // {tokens, last refill millis}
        buckets.compute(key, (k, b) -> {
            double[] bucket = b == null ? new double[]{perMinute, now} : b;
            double elapsed = Math.max(0, now - bucket[1]);
            bucket[0] = Math.min(perMinute, bucket[0] + elapsed * perMinute / 60_000.0);
            bucket[1] = now;
            if (bucket[0] >= 1) {
                bucket[0] -= 1;
                granted[0] = true;
            }
            return bucket;
        });
        return granted[0];
    }
}
