/** SMS through AWS SNS ({@code Publish} with {@code PhoneNumber}), AWS SDK v2, endpoint overridable. */
package tocsin.notify.sns;
