package tocsin.oncall.paging;

import java.util.List;

/**
 * Paging (policies, services, incidents) cannot do what it was asked as asked. Each subclass says what to do next:
 * <ul>
 *   <li>{@link Invalid}: the input is wrong; correct the fields it names (HTTP 400);</li>
 *   <li>{@link NotFound}: a referenced object does not exist (HTTP 404);</li>
 *   <li>{@link Conflict}: the object changed concurrently or is still in use; re-read and retry, or remove what uses
 *       it first (HTTP 409).</li>
 * </ul>
 * Immutable.
 */
public abstract sealed class PagingException extends RuntimeException
        permits PagingException.Invalid, PagingException.NotFound, PagingException.Conflict {

    PagingException(String message) {
        super(message, null, false, false);
    }

    /** Input that cannot be accepted; {@link #problems()} names each field, {@code field: problem}. */
    public static final class Invalid extends PagingException {
        private final List<String> problems;

        public Invalid(List<String> problems) {
            super(String.join("; ", problems));
            if (problems.isEmpty()) {
                throw new IllegalArgumentException("an invalid input has at least one problem");
            }
            this.problems = List.copyOf(problems);
        }

        public static Invalid of(String field, String problem) {
            return new Invalid(List.of(field + ": " + problem));
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** A referenced object does not exist. */
    public static final class NotFound extends PagingException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** A concurrent change or a reference that prevents the change. */
    public static final class Conflict extends PagingException {
        public Conflict(String message) {
            super(message);
        }
    }
}
