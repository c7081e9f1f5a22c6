package tocsin.core.metric;

import java.util.Objects;

/**
 * One item an intake refused, and why, in words the sender can act on.
 *
 * @param item   where in the payload, in the payload's own terms ({@code series[3].points[1]}, {@code line 12})
 * @param reason what is wrong ({@code timestamp 1700000000 is more than 1 hour in the past})
 */
public record Rejection(String item, String reason) {
    public Rejection {
        Objects.requireNonNull(item, "item");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return item + ": " + reason;
    }
}
