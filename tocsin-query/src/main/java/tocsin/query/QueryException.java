package tocsin.query;

/**
 * A query that cannot be answered as written; the fix is always on the caller's side, so an HTTP layer answers 400.
 * The subclasses say which fix: {@link QuerySyntaxException} (the text does not parse: correct it at the column
 * given), {@link UnsupportedQueryException} (valid in the vendor's language, not implemented by Tocsin yet: rewrite
 * the query without that feature) and {@link QueryExecutionException} (parses, but cannot be evaluated over this data,
 * such as PromQL's many-to-many matching: change the matching or grouping).
 */
public sealed class QueryException extends RuntimeException
        permits QuerySyntaxException, UnsupportedQueryException, QueryExecutionException {

    QueryException(String message) {
        super(message);
    }
}
