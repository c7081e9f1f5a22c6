package tocsin.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One service check result: Datadog's {@code POST /api/v1/check_run} and DogStatsD's {@code _sc} datagrams.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name      the check name ({@code app.is_ok}), as sent
 * @param status    the reported status
 * @param host      the host it reports for; empty when the sender named none
 * @param tags      normalised tags, sorted, without duplicates
 * @param timestamp when the status was observed (the intake time when the sender gave none)
 * @param message   free text; empty when none
 */
public record ServiceCheck(String name, Status status, String host, List<String> tags, Instant timestamp,
                           String message) {

    public ServiceCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(host, "host");
        tags = tags.stream().distinct().sorted().toList();
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(message, "message");
    }

    /** Datadog's service check statuses, with their wire codes. */
    public enum Status {
        OK(0), WARNING(1), CRITICAL(2), UNKNOWN(3);

        private final int code;

        Status(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }

        /** The status for a wire code, or null when the code is not 0 to 3. */
        public static Status ofCode(long code) {
            return code >= 0 && code <= 3 ? values()[(int) code] : null;
        }
    }
}
