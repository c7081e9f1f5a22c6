package tocsin.notify.twilio;

import tocsin.notify.IncidentSnapshot;
import tocsin.notify.Notification;
import tocsin.notify.template.Html;
import tocsin.notify.template.VoiceScript;

import java.net.URI;
import java.util.Optional;

/**
 * TwiML documents for a page by phone, as Twilio's {@code <Say>} and {@code <Gather>} verbs define them. The call
 * reads the incident, then gathers one DTMF digit ({@code numDigits="1"}) posted to the notification's voice
 * callback: 4 acknowledges, 6 resolves, 9 repeats (PagerDuty's keys). Without a key it reads once more, then says
 * goodbye. All text is XML-escaped. Stateless.
 */
public final class Twiml {

    /** Where Twilio posts inbound SMS (the Messaging webhook configured on the number), under the public URL. */
    public static final String SMS_CALLBACK_PATH = "/api/tocsin/callbacks/twilio/sms";
    /**
     * Where Twilio posts the keypress of a call ({@code <Gather action>}), under the public URL, with the incident
     * and the called user as {@code incident} and {@code user} query parameters (covered by Twilio's signature).
     */
    public static final String VOICE_CALLBACK_PATH = "/api/tocsin/callbacks/twilio/voice";

    /** Seconds Twilio waits for a key after the prompt. */
    static final int GATHER_TIMEOUT = 8;

    /** What a keypress asks for. */
    public enum Keypress {
        ACKNOWLEDGE, RESOLVE, REPEAT, UNKNOWN;

        /** The meaning of the {@code Digits} parameter Twilio posts to the Gather action. */
        public static Keypress of(String digits) {
            if (digits == null || digits.length() != 1) {
                return UNKNOWN;
            }
            return switch (digits.charAt(0)) {
                case VoiceScript.ACKNOWLEDGE_KEY -> ACKNOWLEDGE;
                case VoiceScript.RESOLVE_KEY -> RESOLVE;
                case VoiceScript.REPEAT_KEY -> REPEAT;
                default -> UNKNOWN;
            };
        }
    }

    private Twiml() {
    }

    /** The call: the announcement and, when there is a callback and something to do, the key prompt. */
    public static String call(Notification n) {
        String announcement = VoiceScript.announcement(n);
        Optional<URI> callback = n.links().voiceCallback();
        String prompt = VoiceScript.prompt(n.incident().status());
        StringBuilder sb = new StringBuilder(1024).append(header());
        if (callback.isEmpty() || prompt.isEmpty()) {
            sb.append(say(announcement)).append(say("Open Tocsin to see the incident. Goodbye.")).append("<Hangup/>");
        } else {
            String gather = "<Gather input=\"dtmf\" numDigits=\"1\" timeout=\"" + GATHER_TIMEOUT + "\" action=\""
                    + escape(callback.get().toString()) + "\" method=\"POST\">" + say(announcement) + say(prompt)
                    + "</Gather>";
            sb.append(gather).append(gather).append(say("No key was pressed. Goodbye.")).append("<Hangup/>");
        }
        return sb.append("</Response>").toString();
    }

    /** A call that reads {@code text} twice (the first time may be missed while picking up) and hangs up. */
    public static String announce(String text) {
        return header() + say(text) + "<Pause length=\"1\"/>" + say(text) + say("Goodbye.") + "<Hangup/></Response>";
    }

    /** A reply that says {@code text} and hangs up (the answer to a keypress). */
    public static String sayAndHangUp(String text) {
        return header() + say(text) + "<Hangup/></Response>";
    }

    /** A Messaging reply: Twilio sends {@code text} back to the phone that texted us. */
    public static String message(String text) {
        return header() + "<Message>" + escape(text) + "</Message></Response>";
    }

    /** What to say after an action succeeded: "Incident 42 acknowledged. Goodbye." */
    public static String outcome(IncidentSnapshot incident, Keypress keypress) {
        String done = switch (keypress) {
            case ACKNOWLEDGE -> "acknowledged";
            case RESOLVE -> "resolved";
            case REPEAT, UNKNOWN -> throw new IllegalArgumentException("no outcome for " + keypress);
        };
        return sayAndHangUp("Incident number " + incident.number() + " " + done + ". Goodbye.");
    }

    private static String header() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>";
    }

    private static String say(String text) {
        return "<Say>" + escape(text) + "</Say>";
    }

    /** XML escaping for content and double-quoted attributes; drops the control characters XML 1.0 forbids. */
    static String escape(String text) {
        return Html.escape(text.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]", ""));
    }
}
