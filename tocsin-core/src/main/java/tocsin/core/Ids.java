package tocsin.core;

import java.security.SecureRandom;

/**
 * Object identifiers in PagerDuty's style: an upper-case letter prefix followed by upper-case letters and digits
 * ({@code PABC123}). Random, not sequential, so ids reveal nothing about volume. Thread-safe.
 */
public final class Ids {
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** A new id: {@code prefix} then {@code length} random characters from an unambiguous alphabet. */
    public static String newId(String prefix, int length) {
        StringBuilder sb = new StringBuilder(prefix.length() + length).append(prefix);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return sb.toString();
    }

    /** A new 7-character object id as PagerDuty issues them, starting with {@code P}. */
    public static String newObjectId() {
        return newId("P", 6);
    }
}
