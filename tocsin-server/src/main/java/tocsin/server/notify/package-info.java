/**
 * Notification delivery wired into the server: the channels built from the {@code notify:} configuration, the
 * dispatcher that delivers the outbox, and the public {@code /l/{token}} acknowledge and resolve links.
 */
package tocsin.server.notify;
