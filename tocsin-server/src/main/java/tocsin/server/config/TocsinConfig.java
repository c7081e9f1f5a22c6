package tocsin.server.config;

/**
 * The declarative configuration file ({@code --config}), validated. Immutable.
 *
 * @param http   HTTP limits
 * @param notifications notification providers (the {@code notify:} section)
 */
public record TocsinConfig(Http http, NotifyConfig notifications) {

    /** Limits on what the HTTP server accepts. */
    public record Http(long maxRequestBytes) {
        public static final long DEFAULT_MAX_REQUEST_BYTES = 64L << 20;
    }

    public static TocsinConfig defaults() {
        return new TocsinConfig(new Http(Http.DEFAULT_MAX_REQUEST_BYTES), NotifyConfig.none());
    }
}
