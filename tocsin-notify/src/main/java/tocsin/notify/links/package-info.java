/**
 * Signed, expiring acknowledge and resolve links, and the pages behind them. A link carries its own proof (an
 * HMAC-SHA256 over action, incident, user and expiry with a server secret), so the route needs no login; it shows a
 * confirmation page on GET and acts only on POST, so mail scanners that prefetch links cannot acknowledge anything.
 */
package tocsin.notify.links;
