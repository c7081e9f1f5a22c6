package tocsin.oncall;

import java.util.ArrayList;
import java.util.List;

/** Collects a value's problems so that one exception lists them all. Not thread-safe; one per validation. */
final class Problems {
    private final List<InvalidScheduleException.Problem> found = new ArrayList<>();

    void add(String field, String message) {
        found.add(new InvalidScheduleException.Problem(field, message));
    }

    /** Adds {@code field: is required} when {@code value} is null; true when it is present. */
    boolean required(String field, Object value) {
        if (value == null) {
            add(field, "is required");
            return false;
        }
        return true;
    }

    boolean hasAny() {
        return !found.isEmpty();
    }

    void throwIfAny() {
        if (!found.isEmpty()) {
            throw new InvalidScheduleException(found);
        }
    }
}
