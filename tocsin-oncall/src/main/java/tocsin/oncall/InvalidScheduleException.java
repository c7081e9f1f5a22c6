package tocsin.oncall;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A schedule, layer, restriction or override that cannot be built as given, with every problem found at once, each
 * naming its field in PagerDuty's terms, e.g. {@code schedule_layers[1].rotation_turn_length_seconds: must be
 * positive}. The fix is on the caller's side.
 *
 * <p>Each value validates its own fields and names them relative to itself ({@code rotation_turn_length_seconds});
 * the code that builds a value inside a list gives it its place with {@link #at(String, Supplier)}, so that the
 * message names the full path a client sent. Immutable.
 */
public final class InvalidScheduleException extends OncallException {
    private final List<Problem> problems;

    /** One wrong field: its path in PagerDuty's JSON and what is wrong with it. */
    public record Problem(String field, String message) {
        public Problem {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return field + ": " + message;
        }
    }

    /** @param problems at least one */
    public InvalidScheduleException(List<Problem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    /** A single problem with {@code field}. */
    public static InvalidScheduleException of(String field, String message) {
        return new InvalidScheduleException(List.of(new Problem(field, message)));
    }

    /**
     * Builds a value that sits at {@code path} in the client's document, so that its problems name the full path:
     * {@code at("schedule_layers[1]", () -> new Layer(...))} reports {@code schedule_layers[1].users: ...}.
     */
    public static <T> T at(String path, Supplier<T> construct) {
        try {
            return construct.get();
        } catch (InvalidScheduleException e) {
            throw e.under(path);
        }
    }

    /** The same problems, each under {@code path}. */
    public InvalidScheduleException under(String path) {
        List<Problem> moved = new ArrayList<>(problems.size());
        for (Problem p : problems) {
            moved.add(new Problem(path + "." + p.field(), p.message()));
        }
        return new InvalidScheduleException(moved);
    }

    /** Every problem found, in field order as checked. */
    public List<Problem> problems() {
        return problems;
    }

    private static String describe(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("an invalid schedule has at least one problem");
        }
        StringBuilder sb = new StringBuilder();
        for (Problem p : problems) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(p);
        }
        return sb.toString();
    }
}
