package tocsin.notify.noise;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import tocsin.notify.Target;

/**
 * How many messages one person may get through one kind of channel before the rest wait for a digest: a token bucket
 * per (user, channel kind) that holds {@link Limit#max()} messages and earns one back every
 * {@code per / max}. Only the channels that reach a person directly are limited (e-mail, SMS, voice); chat and
 * webhook subscriptions are not per person. Immutable.
 *
 * <p>The defaults ({@link #defaults()}) are chosen for a person woken at night: 5 SMS per 10 minutes, 2 calls per 10
 * minutes, 20 e-mails per 10 minutes. A call is the most intrusive and the least able to carry a list, so its limit is
 * the lowest, and a held call becomes one short call that says how many incidents wait and names the newest, without
 * reading them all out (see {@link Digest#spoken()}).
 *
 * @param limits the limit per channel kind; a kind without one is never held
 */
public record NoisePolicy(Map<Target.Kind, Limit> limits) {

    /** The kinds that can be limited: those a person's own contact methods deliver. */
    public static final java.util.Set<Target.Kind> LIMITABLE = java.util.EnumSet.of(Target.Kind.EMAIL,
            Target.Kind.SMS, Target.Kind.VOICE);

    public NoisePolicy {
        Objects.requireNonNull(limits, "limits");
        for (Target.Kind k : limits.keySet()) {
            if (!LIMITABLE.contains(k)) {
                throw new IllegalArgumentException(k + " cannot be rate limited: only " + LIMITABLE + " can");
            }
        }
        limits = limits.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(limits));
    }

    /**
     * At most {@code max} messages at once, then one more every {@code per / max}.
     *
     * @param max at least 1
     * @param per positive, and at least one millisecond per message
     */
    public record Limit(int max, Duration per) {
        public Limit {
            Objects.requireNonNull(per, "per");
            if (max < 1) {
                throw new IllegalArgumentException("max must be at least 1: " + max);
            }
            if (per.isNegative() || per.isZero() || per.dividedBy(max).toMillis() < 1) {
                throw new IllegalArgumentException("per must be positive and at least 1 ms per message: " + per);
            }
        }

        /** The time one more message is earned. */
        public Duration refillEvery() {
            return per.dividedBy(max);
        }

        /** {@code 5 per 10m}. */
        @Override
        public String toString() {
            return max + " per " + human(per);
        }

        private static String human(Duration d) {
            if (d.toMillis() % 3_600_000 == 0) {
                return d.toHours() + "h";
            }
            if (d.toMillis() % 60_000 == 0) {
                return d.toMinutes() + "m";
            }
            if (d.toMillis() % 1_000 == 0) {
                return d.toSeconds() + "s";
            }
            return d.toMillis() + "ms";
        }
    }

    /** 5 SMS, 2 calls and 20 e-mails per 10 minutes per person. */
    public static NoisePolicy defaults() {
        return new NoisePolicy(Map.of(
                Target.Kind.SMS, new Limit(5, Duration.ofMinutes(10)),
                Target.Kind.VOICE, new Limit(2, Duration.ofMinutes(10)),
                Target.Kind.EMAIL, new Limit(20, Duration.ofMinutes(10))));
    }

    /** No limits: nothing is ever held. */
    public static NoisePolicy off() {
        return new NoisePolicy(Map.of());
    }

    public Optional<Limit> limit(Target.Kind kind) {
        return Optional.ofNullable(limits.get(kind));
    }
}
