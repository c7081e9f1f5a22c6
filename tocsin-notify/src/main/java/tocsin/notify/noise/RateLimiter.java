package tocsin.notify.noise;

import tocsin.notify.Target;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (typically a user and a channel kind, {@link #key}): a key may send {@code burst}
 * notifications at once, then one per {@code refillEvery}. During an incident storm the dispatcher asks before each
 * send; a refusal means "fold this one into a digest" rather than "drop it". Memory is bounded: past
 * {@code maxKeys}, buckets that have refilled completely (they remember nothing useful) are forgotten, and if all
 * are busy the oldest-refilled go first. Thread-safe; each key's update is atomic.
 */
public final class RateLimiter {

    /** A bucket: tokens as of {@code at}. Immutable; replaced on each update. */
    private record Bucket(double tokens, Instant at) {
    }

    /** Refills are summed in floating point; a token short by less than this counts as whole. */
    private static final double EPSILON = 1e-9;

    private final int burst;
    private final Duration refillEvery;
    private final InstantSource clock;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /**
     * @param burst       notifications a quiet key may send at once ({@code >= 1})
     * @param refillEvery the time one more notification is earned
     * @param maxKeys     keys remembered at most
     */
    public RateLimiter(int burst, Duration refillEvery, InstantSource clock, int maxKeys) {
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1: " + burst);
        }
        if (refillEvery.isNegative() || refillEvery.isZero()) {
            throw new IllegalArgumentException("refillEvery must be positive: " + refillEvery);
        }
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1: " + maxKeys);
        }
        this.burst = burst;
        this.refillEvery = refillEvery;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxKeys = maxKeys;
    }

    /** The key for one user's notifications through one kind of channel. */
    public static String key(String userId, Target.Kind kind) {
        return userId + "/" + kind;
    }

    /** Takes a token for {@code key} if one is there; false means over the limit. */
    public boolean tryAcquire(String key) {
        Objects.requireNonNull(key, "key");
        Instant now = clock.instant();
        boolean[] granted = {false};
        buckets.compute(key, (k, b) -> {
            double tokens = b == null ? burst : refilled(b, now);
            if (tokens >= 1 - EPSILON) {
                granted[0] = true;
                tokens -= 1;
            }
            return new Bucket(tokens, now);
        });
        if (buckets.size() > maxKeys) {
            evict(now);
        }
        return granted[0];
    }

    /** When {@code key} will next be allowed one notification; now if it already is. */
    public Instant nextAllowed(String key) {
        Instant now = clock.instant();
        Bucket b = buckets.get(key);
        if (b == null) {
            return now;
        }
        double tokens = refilled(b, now);
        if (tokens >= 1 - EPSILON) {
            return now;
        }
        long waitNanos = (long) Math.ceil((1 - tokens) * refillEvery.toNanos());
        return now.plusNanos(waitNanos);
    }

    /** Keys currently remembered (for tests and metrics). */
    public int size() {
        return buckets.size();
    }

    private double refilled(Bucket b, Instant now) {
        long elapsed = Math.max(0, Duration.between(b.at(), now).toNanos());
        return Math.min(burst, b.tokens() + (double) elapsed / refillEvery.toNanos());
    }

    private void evict(Instant now) {
        buckets.entrySet().removeIf(e -> refilled(e.getValue(), now) >= burst);
        while (buckets.size() > maxKeys) {
            buckets.entrySet().stream().min(java.util.Comparator.comparing(e -> e.getValue().at()))
                    .ifPresent(e -> buckets.remove(e.getKey(), e.getValue()));
        }
    }
}
