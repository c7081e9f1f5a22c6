/**
 * The delivery pipeline from the notification outbox to people: {@link tocsin.notify.dispatch.Dispatcher} expands
 * each outbox request into one delivery per personal notification rule, claims due deliveries with a lease, sends
 * them through {@link tocsin.notify.Channels}, retries with {@link tocsin.notify.RetryPolicy#PAGING} and records
 * every attempt. It depends only on the interfaces it owns: {@link tocsin.notify.dispatch.DeliveryQueue} (the
 * persistent delivery log, implemented by {@code tocsin-state}) and {@link tocsin.notify.dispatch.Recipients} (a
 * person's notification rules and contact methods).
 */
package tocsin.notify.dispatch;
