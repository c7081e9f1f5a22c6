package tocsin.oncall.directory;

import java.util.List;

/**
 * A directory change the store refused. Each subclass says what to do next; the HTTP layer answers them in
 * PagerDuty's error shape. Immutable.
 */
public sealed class DirectoryException extends RuntimeException
        permits DirectoryException.Duplicate, DirectoryException.StillReferenced, DirectoryException.Stale,
        DirectoryException.MissingReference {

    private final List<String> errors;

    DirectoryException(String message, List<String> errors) {
        super(message);
        this.errors = List.copyOf(errors);
    }

    /** Per-field details, {@code field: problem}. */
    public List<String> errors() {
        return errors;
    }

    /** A value that must be unique is taken (a person's e-mail): choose another. */
    public static final class Duplicate extends DirectoryException {
        public Duplicate(String field, String problem) {
            super("Invalid Input Provided", List.of(field + ": " + problem));
        }
    }

    /** The object is still used elsewhere (a person on a schedule): remove those uses first. */
    public static final class StillReferenced extends DirectoryException {
        public StillReferenced(String message, List<String> uses) {
            super(message, uses);
        }
    }

    /** Someone else changed the object since it was read: read it again and re-apply the change. */
    public static final class Stale extends DirectoryException {
        public Stale(String what) {
            super(what + " was changed by another request since it was read; fetch it again and retry", List.of());
        }
    }

    /** A reference names an object that does not exist (or not where it must be): correct the field. */
    public static final class MissingReference extends DirectoryException {
        public MissingReference(String field, String problem) {
            super("Invalid Input Provided", List.of(field + ": " + problem));
        }
    }
}
