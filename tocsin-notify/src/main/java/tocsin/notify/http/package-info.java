/**
 * The HTTP exchange every HTTP channel shares: one bounded request on the JDK client, transport failures and status
 * codes classified into retryable and permanent {@link tocsin.notify.DeliveryException}s, {@code Retry-After} read.
 */
package tocsin.notify.http;
