/**
 * Direct messages: a notification that goes straight to a chat channel, a named webhook or an e-mail address
 * rather than to a person through an incident's escalation (a Datadog monitor's {@code @slack-ops},
 * {@code @teams-sre}, {@code @webhook-deploys} and {@code @ops@example.com} handles).
 *
 * <p>The pipeline mirrors the paging one in {@code tocsin.notify.dispatch}, without people, rules or incidents:
 * whoever decides to notify writes a {@link tocsin.notify.direct.DirectMessage} into a durable
 * {@link tocsin.notify.direct.DirectQueue} in the transaction of the change that caused it; the
 * {@link tocsin.notify.direct.DirectDispatcher} claims due messages under a lease, sends each through
 * {@link tocsin.notify.direct.DirectChannels} and records the attempt, retrying with the
 * {@link tocsin.notify.RetryPolicy}. The names a handle may use (webhooks, Teams channels, whether Slack and e-mail
 * are configured) are {@link tocsin.notify.direct.DirectTargets}, which also answers validation.
 */
package tocsin.notify.direct;
