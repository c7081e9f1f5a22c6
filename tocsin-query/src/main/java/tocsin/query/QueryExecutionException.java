package tocsin.query;

/**
 * A query that parses but cannot be evaluated over the data it selects, such as PromQL's {@code many-to-many matching
 * not allowed} or a function producing two series with the same labels. The fix is in the query (its matching or
 * grouping), so an HTTP layer answers 422 as Prometheus does, not 400.
 */
public final class QueryExecutionException extends QueryException {

    public QueryExecutionException(String message) {
        super(message);
    }
}
