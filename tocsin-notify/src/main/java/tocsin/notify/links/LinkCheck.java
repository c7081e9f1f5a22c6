package tocsin.notify.links;

/** The outcome of checking a link: its claims, or why it is refused. */
public sealed interface LinkCheck permits LinkCheck.Valid, LinkCheck.Refused {

    /** The link is authentic and current. */
    record Valid(LinkClaims claims) implements LinkCheck {
    }

    /** The link is refused; {@code detail} is safe to show to the person who followed it. */
    record Refused(Reason reason, String detail) implements LinkCheck {
    }

    /** Why a link is refused. */
    enum Reason {
        /** Not a Tocsin link at all (cut off in a mail client, mistyped). */
        MALFORMED,
        /** Well-formed, but the signature does not match: altered, or signed with a secret no longer in use. */
        TAMPERED,
        /** Authentic, but for an action this server does not know. */
        UNKNOWN_ACTION,
        /** Authentic, but past its expiry. */
        EXPIRED
    }
}
