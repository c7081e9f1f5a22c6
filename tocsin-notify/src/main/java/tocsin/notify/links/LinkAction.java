package tocsin.notify.links;

import java.util.Optional;

/** What a signed link does. The code is the action's one-letter name inside the token. */
public enum LinkAction {
    ACKNOWLEDGE('a', "Acknowledge", "Acknowledged"),
    RESOLVE('r', "Resolve", "Resolved");

    private final char code;
    private final String verb;
    private final String pastTense;

    LinkAction(char code, String verb, String pastTense) {
        this.code = code;
        this.verb = verb;
        this.pastTense = pastTense;
    }

    char code() {
        return code;
    }

    /** "Acknowledge" / "Resolve", for buttons. */
    public String verb() {
        return verb;
    }

    /** "Acknowledged" / "Resolved", for outcomes. */
    public String pastTense() {
        return pastTense;
    }

    static Optional<LinkAction> ofCode(String code) {
        for (LinkAction a : values()) {
            if (code.length() == 1 && code.charAt(0) == a.code) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
