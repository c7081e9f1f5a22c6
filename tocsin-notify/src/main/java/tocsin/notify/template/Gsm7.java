package tocsin.notify.template;

/**
 * The GSM 03.38 default alphabet: which text an SMS can carry in 7-bit septets (160 per single message) instead of
 * UCS-2 (70), and how many septets it takes (characters of the extension table count two). Stateless.
 */
public final class Gsm7 {

    /** Single-segment capacities and the per-segment capacities of concatenated messages (UDH takes the rest). */
    public static final int SINGLE_GSM = 160;
    public static final int MULTI_GSM = 153;
    public static final int SINGLE_UCS2 = 70;
    public static final int MULTI_UCS2 = 67;

    private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001BÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    private static final String EXTENSION = "^{}\\[~]|€\f";

    private Gsm7() {
    }

    /** Whether every character of {@code text} is in the GSM-7 default alphabet or its extension table. */
    public static boolean encodable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (septets(text.charAt(i)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Septets needed for {@code text}, assuming it is {@link #encodable}. */
    public static int septets(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            n += septets(text.charAt(i));
        }
        return n;
    }

    /** 1 for the basic table, 2 for the extension table, 0 when not encodable. */
    static int septets(char c) {
        if (c == '\u001B') {
            return 0;
        }
        if (BASIC.indexOf(c) >= 0) {
            return 1;
        }
        return EXTENSION.indexOf(c) >= 0 ? 2 : 0;
    }

    /**
     * Replaces common typographic characters that have GSM-7 look-alikes (curly quotes, dashes, ellipsis, non-breaking
     * and other spaces, tabs) so that text typed in a word processor does not force UCS-2 and halve the SMS.
     */
    public static String normalize(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\u2018', '\u2019', '\u201A', '\u2032', '`', '\u00B4' -> sb.append('\'');
                case '\u201C', '\u201D', '\u201E', '\u2033', '\u00AB', '\u00BB' -> sb.append('"');
                case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212' -> sb.append('-');
                case '\u2026' -> sb.append("...");
                case '\u00A0', '\u2002', '\u2003', '\u2009', '\u202F', '\t' -> sb.append(' ');
                case '\u2022' -> sb.append('*');
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
