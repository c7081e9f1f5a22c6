package tocsin.notify.email;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import tocsin.notify.Channel;
import tocsin.notify.Delivery;
import tocsin.notify.DeliveryException;
import tocsin.notify.IdempotencyKey;
import tocsin.notify.Notice;
import tocsin.notify.Notification;
import tocsin.notify.PermanentDeliveryException;
import tocsin.notify.RetryableDeliveryException;
import tocsin.notify.Target;
import tocsin.notify.template.EmailTemplate;
import tocsin.notify.template.Html;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Date;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;

/**
 * Sends e-mail notifications over SMTP. Each mail has a {@code Message-ID} derived from the idempotency key
 * ({@code <n-{digest}@{sender domain}>}), so a retried send that did reach the server is recognisably the same mail
 * to MTAs and clients that dedupe; and {@code In-Reply-To}/{@code References} naming one per-incident root id, so
 * every mail about an incident lands in one thread. {@code Auto-Submitted: auto-generated} (RFC 3834) keeps
 * vacation responders quiet.
 *
 * <p>Failures: an unreachable server, a timeout or an SMTP 4xx reply is retryable; rejected credentials, an invalid
 * address, a TLS failure or an SMTP 5xx reply is permanent. One connection per mail (pages are rare and must not
 * share a broken connection). Thread-safe: the {@link Session} is shared, the transport is per call.
 */
public final class SmtpChannel implements Channel {

    private final SmtpSettings settings;
    private final InternetAddress from;
    private final String domain;
    private final Session session;
    private final InstantSource clock;

    public SmtpChannel(SmtpSettings settings, InstantSource clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            this.from = new InternetAddress(settings.from(), true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("from is not an e-mail address: " + settings.from(), e);
        }
        String address = from.getAddress();
        this.domain = address.substring(address.indexOf('@') + 1).toLowerCase(Locale.ROOT);
        this.session = Session.getInstance(properties(settings, address));
    }

    static Properties properties(SmtpSettings s, String envelopeFrom) {
        String timeout = Long.toString(s.timeout().toMillis());
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", s.host());
        p.setProperty("mail.smtp.port", Integer.toString(s.port()));
        p.setProperty("mail.smtp.connectiontimeout", timeout);
        p.setProperty("mail.smtp.timeout", timeout);
        p.setProperty("mail.smtp.writetimeout", timeout);
        p.setProperty("mail.smtp.from", envelopeFrom);
        p.setProperty("mail.smtp.auth", Boolean.toString(s.username() != null));
        if (s.starttls()) {
            p.setProperty("mail.smtp.starttls.enable", "true");
            p.setProperty("mail.smtp.starttls.required", "true");
        }
        if (s.tls()) {
            p.setProperty("mail.smtp.ssl.enable", "true");
        }
        if (s.starttls() || s.tls()) {
            p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        }
        return p;
    }

    @Override
    public Target.Kind kind() {
        return Target.Kind.EMAIL;
    }

    /** The mail's {@code Message-ID}: the same for every attempt of one notification. */
    public String messageId(IdempotencyKey key) {
        return "<n-" + key.digest() + "@" + domain + ">";
    }

    /** The {@code Message-ID} of a notice: the same for every attempt of it. */
    public String messageId(Notice notice) {
        return "<notice-" + notice.digest() + "@" + domain + ">";
    }

    /** The id every mail about one incident refers to, so clients thread them. */
    public String threadId(String incidentId) {
        return "<incident-" + incidentId + "@" + domain + ">";
    }

    @Override
    public Delivery send(Notification n) throws DeliveryException {
        requireOwnKind(n);
        InternetAddress to = address(n.target().address());
        String messageId = messageId(n.key());
        try {
            return transmit(compose(n, to, messageId), to, messageId);
        } catch (MessagingException e) {
            throw classify(e);
        }
    }

    /**
     * Sends a plain-text mail that belongs to no incident (a monitor's {@code @ops@example.com}).
     *
     * @param key    the message's idempotency key: the {@code Message-ID} is {@code <m-{key}@{sender domain}>}
     * @param thread what related mails share ({@code In-Reply-To}/{@code References}), so clients thread them
     */
    public Delivery sendText(String address, String subject, String text, String key, String thread)
            throws DeliveryException {
        InternetAddress to = address(address);
        String messageId = "<m-" + key + "@" + domain + ">";
        try {
            MimeMessage message = new FixedIdMessage(session, messageId);
            message.setFrom(from);
            message.setRecipient(Message.RecipientType.TO, to);
            message.setSubject(subject, StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(clock.instant()));
            String threadId = "<thread-" + thread + "@" + domain + ">";
            message.setHeader("In-Reply-To", threadId);
            message.setHeader("References", threadId);
            message.setHeader("Auto-Submitted", "auto-generated");
            message.setText(text, StandardCharsets.UTF_8.name(), "plain");
            message.saveChanges();
            return transmit(message, to, messageId);
        } catch (MessagingException e) {
            throw classify(e);
        }
    }

    /** Mails the notice's subject and text, with an HTML part that shows the same text. */
    @Override
    public Delivery sendNotice(Notice n) throws DeliveryException {
        requireOwnKind(n.target());
        InternetAddress to = address(n.target().address());
        String messageId = messageId(n);
        try {
            MimeMessage message = new FixedIdMessage(session, messageId);
            message.setFrom(from);
            message.setRecipient(Message.RecipientType.TO, to);
            message.setSubject(n.subject(), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(clock.instant()));
            message.setHeader("Auto-Submitted", "auto-generated");
            message.setContent(alternative(n.text(), "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>"
                    + Html.escape(n.subject()) + "</title></head>\n<body style=\"font-family:Arial,Helvetica,"
                    + "sans-serif;color:#202124\"><pre style=\"font-family:inherit;white-space:pre-wrap\">"
                    + Html.escape(n.text()) + "</pre></body></html>\n"));
            message.saveChanges();
            return transmit(message, to, messageId);
        } catch (MessagingException e) {
            throw classify(e);
        }
    }

    /** One connection per mail: connect, send, and return the server's last answer. */
    private Delivery transmit(MimeMessage message, InternetAddress to, String messageId) throws MessagingException {
        try (Transport transport = session.getTransport("smtp")) {
            transport.connect(settings.host(), settings.port(), settings.username(), settings.password());
            transport.sendMessage(message, new Address[]{to});
            String response = transport instanceof SMTPTransport smtp ? smtp.getLastServerResponse() : "";
            return new Delivery(messageId, response == null ? "" : response.strip());
        }
    }

    private static InternetAddress address(String address) throws PermanentDeliveryException {
        try {
            return new InternetAddress(address, true);
        } catch (AddressException e) {
            throw new PermanentDeliveryException("invalid_address", "not an e-mail address: " + address + " ("
                    + e.getMessage() + ")");
        }
    }

    private MimeMessage compose(Notification n, InternetAddress to, String messageId) throws MessagingException {
        EmailTemplate.Email mail = EmailTemplate.render(n);
        MimeMessage message = new FixedIdMessage(session, messageId);
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, to);
        message.setSubject(mail.subject(), StandardCharsets.UTF_8.name());
        message.setSentDate(Date.from(clock.instant()));
        String thread = threadId(n.incident().id());
        message.setHeader("In-Reply-To", thread);
        message.setHeader("References", thread);
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setHeader("X-Tocsin-Incident", n.incident().id());
        message.setHeader("X-Tocsin-Event", n.event().eventType());

        message.setContent(alternative(mail.text(), mail.html()));
        message.saveChanges();
        return message;
    }

    private static MimeMultipart alternative(String plain, String html) throws MessagingException {
        MimeBodyPart text = new MimeBodyPart();
        text.setText(plain, StandardCharsets.UTF_8.name(), "plain");
        MimeBodyPart rich = new MimeBodyPart();
        rich.setText(html, StandardCharsets.UTF_8.name(), "html");
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(rich);
        return alternative;
    }

    /** A message whose {@code Message-ID} is ours rather than one Angus makes up on {@code saveChanges}. */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }

    static DeliveryException classify(MessagingException e) {
        if (e instanceof AuthenticationFailedException) {
            return new PermanentDeliveryException("smtp_auth", "the SMTP server rejected the credentials: "
                    + e.getMessage(), e);
        }
        // the most specific SMTP reply anywhere in the chain decides: a 4xx means "try later" even when a
        // SendFailedException wraps it
        Integer code = replyCode(e);
        if (code != null) {
            String text = "the SMTP server answered " + code + ": " + oneLine(e);
            return code >= 400 && code < 500
                    ? new RetryableDeliveryException("smtp_" + code, text, null, e)
                    : new PermanentDeliveryException("smtp_" + code, text, e);
        }
        if (e instanceof SendFailedException sf && sf.getInvalidAddresses() != null
                && sf.getInvalidAddresses().length > 0) {
            return new PermanentDeliveryException("invalid_address", "the SMTP server refused the address: "
                    + e.getMessage(), e);
        }
        int depth = 0;
        for (Throwable t = e; t != null; t = next(t, depth++)) {
            if (t instanceof SSLException) {
                return new PermanentDeliveryException("tls_error", "TLS with the SMTP server failed: "
                        + t.getMessage(), e);
            }
            if (t instanceof ConnectException) {
                return new RetryableDeliveryException("connection_refused", "cannot connect to the SMTP server: "
                        + t.getMessage(), null, e);
            }
            if (t instanceof SocketTimeoutException) {
                return new RetryableDeliveryException("timeout", "the SMTP server did not answer in time", null, e);
            }
            if (t instanceof UnknownHostException) {
                return new RetryableDeliveryException("unknown_host", "unknown SMTP host " + t.getMessage(), null, e);
            }
            if (t instanceof IOException) {
                return new RetryableDeliveryException("io_error", "connection to the SMTP server failed: " + t,
                        null, e);
            }
        }
        if (String.valueOf(e.getMessage()).contains("STARTTLS")) {
            return new PermanentDeliveryException("starttls_unavailable", "the SMTP server does not offer "
                    + "STARTTLS, which the configuration requires: " + e.getMessage(), e);
        }
        return new RetryableDeliveryException("smtp_error", "sending the mail failed: " + oneLine(e), null, e);
    }

    /** The SMTP reply code of the first SMTP-level failure in the chain, if any. */
    private static Integer replyCode(MessagingException e) {
        Integer transientCode = null;
        Integer permanentCode = null;
        int depth = 0;
        for (Throwable t = e; t != null; t = next(t, depth++)) {
            int code = switch (t) {
                case SMTPAddressFailedException a -> a.getReturnCode();
                case SMTPSenderFailedException s -> s.getReturnCode();
                case SMTPSendFailedException s -> s.getReturnCode();
                default -> -1;
            };
            if (code >= 400 && code < 500 && transientCode == null) {
                transientCode = code;
            } else if (code >= 500 && permanentCode == null) {
                permanentCode = code;
            }
        }
        return transientCode != null ? transientCode : permanentCode;
    }

    /** The next exception of the chain; null at the end, or after 20 links (a cycle). */
    private static Throwable next(Throwable t, int depth) {
        if (depth >= 20) {
            return null;
        }
        if (t instanceof MessagingException m && m.getNextException() != null && m.getNextException() != t) {
            return m.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private static String oneLine(Throwable t) {
        return String.valueOf(t.getMessage()).strip().replaceAll("\\s+", " ");
    }
}
