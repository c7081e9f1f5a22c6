/**
 * Outgoing webhooks: Tocsin's own signed JSON events ({@code X-Tocsin-Signature}) and PagerDuty v3 webhook
 * deliveries ({@code X-PagerDuty-Signature}, {@code X-Webhook-Id}, one event per POST, {@code pagey.ping}), so tools
 * built for PagerDuty's webhooks work unchanged.
 */
package tocsin.notify.webhook;
