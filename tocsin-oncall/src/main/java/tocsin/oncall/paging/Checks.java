package tocsin.oncall.paging;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of a value so that one {@link PagingException.Invalid} lists them all. Not thread-safe. */
final class Checks {
    private final List<String> problems = new ArrayList<>();

    void add(String field, String problem) {
        problems.add(field + ": " + problem);
    }

    boolean required(String field, Object value) {
        if (value == null || value instanceof String s && s.isBlank()) {
            add(field, "is required");
            return false;
        }
        return true;
    }

    void maxLength(String field, String value, int max) {
        if (value != null && value.length() > max) {
            add(field, "is longer than " + max + " characters");
        }
    }

    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new PagingException.Invalid(problems);
        }
    }
}
