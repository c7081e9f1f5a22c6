package tocsin.state;

import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import tocsin.core.access.Role;
import tocsin.core.access.Scope;

/**
 * Checks and normalises what callers hand to the access store. Every method returns the value to store or throws an
 * {@link IllegalArgumentException} whose message starts with the field name ({@code email: ...}), as the HTTP layer
 * passes it on. Stateless.
 */
final class AccessFields {

    static final int MAX_NAME_LENGTH = 200;
    static final int MIN_SECRET_LENGTH = 16;
    static final int MAX_SECRET_LENGTH = 200;
    static final int MIN_PASSWORD_LENGTH = 8;
    /** Argon2 hashes any length, but a megabyte "password" is a cheap way to burn CPU. */
    static final int MAX_PASSWORD_LENGTH = 1024;

    private static final int MAX_EMAIL_LENGTH = 254;
    private static final int MAX_LOCAL_PART_LENGTH = 64;
    /**
     * A pragmatic address check: a local part without spaces or a second '@', and a host name made of DNS labels.
     * A dotless host ({@code ops@localhost}) is allowed: self-hosted sites use internal names.
     */
    private static final Pattern EMAIL = Pattern.compile(
            "[^\\s@\\p{Cntrl}]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    private AccessFields() {
    }

    /** Trimmed and lower-cased. */
    static String email(String email) {
        if (email == null || email.isBlank()) {
            throw invalid("email", "required");
        }
        String e = email.strip().toLowerCase(Locale.ROOT);
        int at = e.indexOf('@');
        if (e.length() > MAX_EMAIL_LENGTH || at > MAX_LOCAL_PART_LENGTH || !EMAIL.matcher(e).matches()) {
            throw invalid("email", "must be a valid e-mail address");
        }
        return e;
    }

    /** A display name or key label: trimmed, not blank, at most 200 characters. */
    static String name(String name) {
        return label("name", name);
    }

    static String createdBy(String createdBy) {
        return label("created_by", createdBy);
    }

    /** A key's series limit: null (the server's default) or a whole number from 1 to 2³¹−1. */
    static Long maxSeries(Long maxSeries) {
        if (maxSeries != null && (maxSeries < 1 || maxSeries > Integer.MAX_VALUE)) {
            throw invalid("max_series", "a whole number from 1 to " + Integer.MAX_VALUE + ", or null for the "
                    + "server's default; got " + maxSeries);
        }
        return maxSeries;
    }

    static Set<Scope> scopes(Set<Scope> scopes) {
        if (scopes == null || scopes.isEmpty() || scopes.contains(null)) {
            throw invalid("scopes", "at least one of ingest, read, write, admin");
        }
        return EnumSet.copyOf(scopes);
    }

    /** A caller-chosen API key secret: 16 to 200 visible ASCII characters, since keys travel in HTTP headers. */
    static String secret(String secret) {
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw invalid("secret", "at least " + MIN_SECRET_LENGTH + " characters");
        }
        if (secret.length() > MAX_SECRET_LENGTH) {
            throw invalid("secret", "at most " + MAX_SECRET_LENGTH + " characters");
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c <= ' ' || c > '~') {
                throw invalid("secret", "visible ASCII characters only, no whitespace");
            }
        }
        return secret;
    }

    /** Null stays null (no password); otherwise 8 to 1024 characters. */
    static char[] password(char[] password) {
        if (password == null) {
            return null;
        }
        if (password.length < MIN_PASSWORD_LENGTH) {
            throw invalid("password", "at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.length > MAX_PASSWORD_LENGTH) {
            throw invalid("password", "at most " + MAX_PASSWORD_LENGTH + " characters");
        }
        return password;
    }

    static Role role(Role role) {
        if (role == null) {
            throw invalid("role", "required");
        }
        return role;
    }

    static ZoneId timeZone(ZoneId zone) {
        if (zone == null) {
            throw invalid("time_zone", "required");
        }
        return zone;
    }

    private static String label(String field, String value) {
        if (value == null || value.isBlank()) {
            throw invalid(field, "must not be blank");
        }
        String v = value.strip();
        if (v.length() > MAX_NAME_LENGTH) {
            throw invalid(field, "at most " + MAX_NAME_LENGTH + " characters");
        }
        return v;
    }

    private static IllegalArgumentException invalid(String field, String problem) {
        return new IllegalArgumentException(field + ": " + problem);
    }
}
