package tocsin.monitor;

import java.util.List;

/**
 * A monitor definition or operation that cannot be accepted, with one message per problem, each naming its field
 * ({@code query: expected a threshold number after > at column 22, found end of query}). Callers answer it with a
 * 400 in their API's dialect.
 */
public final class InvalidMonitorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    public InvalidMonitorException(List<String> errors) {
        super(String.join("; ", errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
