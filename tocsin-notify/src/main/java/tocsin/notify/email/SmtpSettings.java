package tocsin.notify.email;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach the SMTP submission server; the shape of {@code notify.email} in the configuration file.
 * {@code starttls} upgrades a plain connection (port 587) and refuses to continue without it, so credentials never
 * cross the wire in clear; {@code tls} connects with TLS from the start (port 465). Immutable; {@link #toString()}
 * hides the password.
 *
 * @param host     SMTP server
 * @param port     SMTP port
 * @param starttls require STARTTLS
 * @param tls      implicit TLS
 * @param username login, or null for no authentication
 * @param password password, or null
 * @param from     the sender, {@code pager@example.com} or {@code "Tocsin <pager@example.com>"}
 * @param timeout  bound of connecting and of each read and write
 */
public record SmtpSettings(String host, int port, boolean starttls, boolean tls, String username, String password,
                           String from, Duration timeout) {

    public SmtpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(timeout, "timeout");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535: " + port);
        }
        if (starttls && tls) {
            throw new IllegalArgumentException("starttls and tls exclude each other");
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("username and password go together");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    @Override
    public String toString() {
        return "SmtpSettings[" + host + ":" + port + ", starttls=" + starttls + ", tls=" + tls + ", username="
                + username + ", password=" + (password == null ? "none" : "***") + ", from=" + from + "]";
    }
}
