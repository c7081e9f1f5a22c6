package tocsin.core.metric;

import java.util.Locale;
import java.util.Objects;

/**
 * One item an intake refused, and why, in words the sender can act on.
 *
 * @param item   where in the payload, in the payload's own terms ({@code series[3].points[1]}, {@code line 12})
 * @param reason what is wrong ({@code timestamp 1700000000 is more than 1 hour in the past})
 * @param cause  the class of problem, which decides the answer's status (a payload refused only by
 *               {@link Cause#LIMIT} is a 429, anything else a 400) and the {@code reason} label on {@code /metrics}
 */
public record Rejection(String item, String reason, Cause cause) {
    /** Why an item was refused, coarsely: what the sender should do about it. */
    public enum Cause {
        /** The item itself is wrong (syntax, type, name, non-finite value): fix the sender. */
        INVALID,
        /** The item's time is outside what is accepted (too old, too far ahead, out of order): fix clocks/buffers. */
        STALE,
        /** The item contradicts what is stored (a different kind, a different value at the same instant). */
        CONFLICT,
        /** A cardinality limit refused a new series: existing series still accept; reduce tags or raise the limit. */
        LIMIT;

        /** The lower-case name used as a metric label. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Rejection {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
    }

    /** A rejection of an item that is itself invalid. */
    public Rejection(String item, String reason) {
        this(item, reason, Cause.INVALID);
    }

    @Override
    public String toString() {
        return item + ": " + reason;
    }
}
