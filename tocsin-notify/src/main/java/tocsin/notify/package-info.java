/**
 * Delivery of notifications to people and systems. A {@link tocsin.notify.Notification} (what happened to which
 * incident, for whom, through which {@link tocsin.notify.Target}) goes to the {@link tocsin.notify.Channel} for its
 * target kind; the channel either returns a {@link tocsin.notify.Delivery} with the provider's message id or throws a
 * {@link tocsin.notify.DeliveryException} that says whether trying again can help. The
 * {@link tocsin.notify.RetryPolicy} decides when that next attempt is. One package per channel; templates in
 * {@code tocsin.notify.template}; signed acknowledge links in {@code tocsin.notify.links}.
 *
 * <p>The outbox, the dispatcher loop and the delivery log live with the incident state (they commit together); this
 * module is the library they call and holds no state of its own.
 */
package tocsin.notify;
