package tocsin.server.config;

import java.util.Optional;

import tocsin.notify.noise.NoisePolicy;

/**
 * Notification providers, as configured under {@code notify:}. A provider that is absent is simply not available;
 * one that is present was fully validated at startup. Immutable.
 *
 * @param noise the rate limits per person and channel kind ({@code notify.noise}); {@link NoisePolicy#defaults()}
 *              unless configured
 */
public record NotifyConfig(Optional<Email> email, Optional<Twilio> twilio, Optional<Slack> slack,
                           Optional<Teams> teams, Optional<Sns> sns, NoisePolicy noise) {

    public NotifyConfig {
        java.util.Objects.requireNonNull(noise, "noise");
    }

    /** Providers with the default rate limits. */
    public NotifyConfig(Optional<Email> email, Optional<Twilio> twilio, Optional<Slack> slack, Optional<Teams> teams,
                        Optional<Sns> sns) {
        this(email, twilio, slack, teams, sns, NoisePolicy.defaults());
    }

    public static NotifyConfig none() {
        return new NotifyConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    public NotifyConfig withNoise(NoisePolicy policy) {
        return new NotifyConfig(email, twilio, slack, teams, sns, policy);
    }

    /** SMTP submission. {@code starttls} upgrades a plain connection; {@code tls} connects with TLS from the start. */
    public record Email(String smtpHost, int smtpPort, boolean starttls, boolean tls, String username,
                        String password, String from, int timeoutSeconds) {
        @Override
        public String toString() {
            return "Email[" + smtpHost + ":" + smtpPort + ", starttls=" + starttls + ", tls=" + tls + ", username="
                    + username + ", password=" + (password == null ? "none" : "***") + ", from=" + from + "]";
        }
    }

    /** Twilio (or a Twilio-compatible API at {@code baseUrl}) for SMS and voice. */
    public record Twilio(String accountSid, String authToken, String fromNumber, String baseUrl) {
        @Override
        public String toString() {
            return "Twilio[" + accountSid + ", from=" + fromNumber + ", " + baseUrl + ", authToken=***]";
        }
    }

    /** Slack Web API. The bot token posts messages; the signing secret verifies interactive callbacks. */
    public record Slack(String botToken, String signingSecret, String baseUrl) {
        @Override
        public String toString() {
            return "Slack[" + baseUrl + ", botToken=" + (botToken == null ? "none" : "***")
                    + ", signingSecret=" + (signingSecret == null ? "none" : "***") + "]";
        }
    }

    /** Microsoft Teams: targets are per-channel webhook URLs, so there is nothing global to set yet. */
    public record Teams() {
    }

    /** AWS SNS for SMS. Credentials come from the AWS default provider chain. */
    public record Sns(String region, String endpoint) {
    }
}
