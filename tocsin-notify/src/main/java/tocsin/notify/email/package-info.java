/**
 * E-mail over SMTP submission (Angus Mail): STARTTLS or implicit TLS, optional authentication, multipart/alternative
 * text and HTML, a {@code Message-ID} derived from the idempotency key and threading headers per incident.
 */
package tocsin.notify.email;
