package tocsin.query;

/**
 * A query that is valid in the vendor's language but uses a feature Tocsin does not implement yet, such as
 * percentiles of distributions or anomaly detection. The message names the feature.
 */
public final class UnsupportedQueryException extends QueryException {

    public UnsupportedQueryException(String message) {
        super(message);
    }
}
