package tocsin.notify.noise;

import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import tocsin.notify.Target;

/**
 * The {@link NoisePolicy} applied: one {@link RateLimiter} per limited channel kind, keyed by user. The dispatcher
 * asks before every message to a person; a refusal means "hold it for a digest", never "drop it". The buckets live
 * in memory: a restart (or a second node) starts with full buckets, which errs towards sending. Thread-safe.
 */
public final class NoiseGate {

    /** Users remembered per channel kind; quiet ones are forgotten first. */
    static final int MAX_KEYS = 100_000;

    private final NoisePolicy policy;
    private final Map<Target.Kind, RateLimiter> limiters = new EnumMap<>(Target.Kind.class);

    public NoiseGate(NoisePolicy policy, InstantSource clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(clock, "clock");
        policy.limits().forEach((kind, limit) -> limiters.put(kind, new RateLimiter(limit.max(),
                limit.refillEvery(), clock, MAX_KEYS)));
    }

    public NoisePolicy policy() {
        return policy;
    }

    /** Takes one message from the user's budget for {@code kind}; false means hold it. Unlimited kinds always pass. */
    public boolean tryAcquire(String userId, Target.Kind kind) {
        RateLimiter limiter = limiters.get(kind);
        return limiter == null || limiter.tryAcquire(RateLimiter.key(userId, kind));
    }

    /** When the user may next get a message through {@code kind}; {@code now} when they may already. */
    public Instant nextAllowed(String userId, Target.Kind kind, Instant now) {
        RateLimiter limiter = limiters.get(kind);
        return limiter == null ? now : limiter.nextAllowed(RateLimiter.key(userId, kind));
    }
}
