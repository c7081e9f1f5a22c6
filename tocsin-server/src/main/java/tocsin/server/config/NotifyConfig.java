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
                           Optional<Teams> teams, Optional<Sns> sns, java.util.List<Webhook> webhooks,
                           NoisePolicy noise) {

    public NotifyConfig {
        webhooks = java.util.List.copyOf(webhooks);
        java.util.Objects.requireNonNull(noise, "noise");
    }

    /** The providers without named webhooks, with the default rate limits. */
    public NotifyConfig(Optional<Email> email, Optional<Twilio> twilio, Optional<Slack> slack, Optional<Teams> teams,
                        Optional<Sns> sns) {
        this(email, twilio, slack, teams, sns, java.util.List.of());
    }

    /** The providers with the default rate limits. */
    public NotifyConfig(Optional<Email> email, Optional<Twilio> twilio, Optional<Slack> slack, Optional<Teams> teams,
                        Optional<Sns> sns, java.util.List<Webhook> webhooks) {
        this(email, twilio, slack, teams, sns, webhooks, NoisePolicy.defaults());
    }

    public static NotifyConfig none() {
        return new NotifyConfig(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    public NotifyConfig withNoise(NoisePolicy policy) {
        return new NotifyConfig(email, twilio, slack, teams, sns, webhooks, policy);
    }

    public NotifyConfig withWebhooks(java.util.List<Webhook> hooks) {
        return new NotifyConfig(email, twilio, slack, teams, sns, hooks, noise);
    }

    /**
     * A webhook monitors name with {@code @webhook-<name>} ({@code notify.webhooks[]}), as Datadog's Webhooks
     * integration defines one.
     *
     * @param payload  the payload template with {@code $VARIABLES}, or null for Datadog's default payload
     * @param headers  custom request headers (values may use variables)
     * @param secret   signs each body ({@code X-Tocsin-Signature}), or null
     * @param encodeAsForm {@code encode_as: form}: the payload's fields are sent form-encoded
     */
    public record Webhook(String name, String url, String payload, java.util.Map<String, String> headers,
                          String secret, boolean encodeAsForm) {
        public Webhook {
            headers = java.util.Map.copyOf(headers);
        }

        @Override
        public String toString() {
            return "Webhook[" + name + ", " + url + ", headers=" + headers.keySet() + ", signed=" + (secret != null)
                    + "]";
        }
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

    /**
     * Slack Web API. The bot token posts messages; the signing secret verifies interactive callbacks; {@code account}
     * is the Slack account name that Datadog-style {@code @slack-<account>-<channel>} handles may carry (or null).
     */
    public record Slack(String botToken, String signingSecret, String baseUrl, String account) {
        public Slack(String botToken, String signingSecret, String baseUrl) {
            this(botToken, signingSecret, baseUrl, null);
        }

        @Override
        public String toString() {
            return "Slack[" + baseUrl + ", botToken=" + (botToken == null ? "none" : "***")
                    + ", signingSecret=" + (signingSecret == null ? "none" : "***") + "]";
        }
    }

    /**
     * Microsoft Teams: targets are per-channel webhook URLs. {@code channels} names the ones monitors may use with
     * {@code @teams-<name>} (a Workflows "post to a channel when a webhook request is received" URL each).
     */
    public record Teams(java.util.Map<String, String> channels) {
        public Teams {
            channels = java.util.Map.copyOf(channels);
        }

        public Teams() {
            this(java.util.Map.of());
        }
    }

    /** AWS SNS for SMS. Credentials come from the AWS default provider chain. */
    public record Sns(String region, String endpoint) {
    }
}
