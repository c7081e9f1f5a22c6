/**
 * Incident events to endpoints that subscribed to them: PagerDuty v3 webhook subscriptions and per-service chat
 * extensions (Slack, Slack incoming webhooks, Teams). {@link tocsin.notify.subscription.EventDispatcher} derives the
 * events from the incident timeline through a durable cursor, records one delivery per event and endpoint, and
 * delivers them with leases, retries and auto-disable. It depends only on the interfaces it owns:
 * {@link tocsin.notify.subscription.EventQueue} and {@link tocsin.notify.subscription.EndpointStore}, implemented
 * by {@code tocsin-state}.
 */
package tocsin.notify.subscription;
