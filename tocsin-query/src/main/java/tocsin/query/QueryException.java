package tocsin.query;

/**
 * A query that cannot be answered as written; the fix is always on the caller's side, so an HTTP layer answers 400.
 * The subclasses say which fix: {@link QuerySyntaxException} (the text does not parse: correct it at the column
 * given) and {@link UnsupportedQueryException} (valid in the vendor's language, not implemented by Tocsin yet: rewrite
 * the query without that feature).
 */
public sealed class QueryException extends RuntimeException permits QuerySyntaxException, UnsupportedQueryException {

    QueryException(String message) {
        super(message);
    }
}
