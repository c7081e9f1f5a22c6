package tocsin.notify.sns;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * AWS SNS for SMS; the shape of {@code notify.sns} in the configuration file. Credentials come from the AWS default
 * provider chain. Immutable.
 *
 * @param region   the AWS region ({@code us-east-1})
 * @param endpoint an endpoint override (a VPC endpoint, LocalStack, a test sink); empty for AWS's own
 * @param timeout  bound of each Publish call
 */
public record SnsSettings(String region, Optional<URI> endpoint, Duration timeout) {

    public SnsSettings {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(timeout, "timeout");
        if (!region.matches("[a-z]{2}(-[a-z]+)+-[0-9]")) {
            throw new IllegalArgumentException("region must be an AWS region such as us-east-1: " + region);
        }
        endpoint.ifPresent(e -> {
            if (!("https".equals(e.getScheme()) || "http".equals(e.getScheme())) || e.getHost() == null) {
                throw new IllegalArgumentException("endpoint must be an http(s) URL with a host: " + e);
            }
        });
    }
}
