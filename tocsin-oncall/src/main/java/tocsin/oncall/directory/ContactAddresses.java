package tocsin.oncall.directory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Checks the address of a contact method as PagerDuty requires it: an e-mail address for e-mail, and for phone and
 * SMS a country calling code plus a national number that together form an E.164 number. Each problem comes back as
 * {@code field: problem} with the field named relative to the contact method ({@code address},
 * {@code country_code}). Stateless, thread-safe.
 *
 * <p><b>E.164 rules applied</b> (ITU-T E.164 §6): the country code is 1 to 3 digits without a leading zero; the
 * whole number, country code included, is at most 15 digits; the national number is digits only, at least 4 long,
 * and carries no trunk prefix (Germany's leading {@code 0} is dropped in international form), except in Italy
 * ({@code 39}), whose fixed-line numbers keep their {@code 0}. In the North American Numbering Plan ({@code 1}) the
 * national number is exactly 10 digits and neither its area code nor its exchange begins with 0 or 1.
 */
public final class ContactAddresses {
    public static final int MAX_EMAIL_LENGTH = 254;
    public static final int MAX_PUSH_ADDRESS_LENGTH = 1024;
    private static final int MAX_E164_DIGITS = 15;
    private static final int MIN_NATIONAL_DIGITS = 4;
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern NANP = Pattern.compile("[2-9][0-9]{2}[2-9][0-9]{6}");
    /** A local part without spaces, controls or a second '@', then DNS labels (a dotless host is allowed). */
    private static final Pattern EMAIL = Pattern.compile(
            "[^\\s@\\p{Cntrl}]{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");

    private ContactAddresses() {
    }

    /** The problems with an address of {@code type}; empty when it is valid. */
    public static List<String> problems(ContactMethod.Type type, String address, Integer countryCode) {
        List<String> out = new ArrayList<>();
        if (address == null || address.isBlank()) {
            out.add("address: is required");
            return out;
        }
        switch (type) {
            case EMAIL -> {
                if (countryCode != null) {
                    out.add("country_code: is only for phone and SMS contact methods");
                }
                emailProblem(address).ifPresent(out::add);
            }
            case PHONE, SMS -> out.addAll(phoneProblems(address, countryCode));
            case PUSH_NOTIFICATION -> {
                if (address.length() > MAX_PUSH_ADDRESS_LENGTH) {
                    out.add("address: is longer than " + MAX_PUSH_ADDRESS_LENGTH + " characters");
                }
            }
        }
        return out;
    }

    /** The address as stored: e-mail lower-cased, everything else as given (already validated). */
    public static String normalise(ContactMethod.Type type, String address) {
        return type == ContactMethod.Type.EMAIL ? address.strip().toLowerCase(Locale.ROOT) : address.strip();
    }

    /** {@code address: ...} when {@code email} is not an e-mail address. */
    public static java.util.Optional<String> emailProblem(String email) {
        String e = email.strip().toLowerCase(Locale.ROOT);
        if (e.length() > MAX_EMAIL_LENGTH || !EMAIL.matcher(e).matches()) {
            return java.util.Optional.of("address: must be an e-mail address such as ops@example.com");
        }
        return java.util.Optional.empty();
    }

    private static List<String> phoneProblems(String address, Integer countryCode) {
        List<String> out = new ArrayList<>();
        String number = address.strip();
        if (countryCode == null) {
            out.add("country_code: is required for phone and SMS (e.g. 1 for the US, 49 for Germany)");
        } else if (countryCode < 1 || countryCode > 999) {
            out.add("country_code: must be a country calling code of 1 to 3 digits, got " + countryCode);
            countryCode = null;
        }
        if (number.startsWith("+")) {
            out.add("address: must be the national number without '+' and country code (put that in country_code)");
            return out;
        }
        if (!DIGITS.matcher(number).matches()) {
            out.add("address: must contain digits only, got '" + printable(number) + "'");
            return out;
        }
        if (number.length() < MIN_NATIONAL_DIGITS) {
            out.add("address: a national number has at least " + MIN_NATIONAL_DIGITS + " digits, got "
                    + number.length());
            return out;
        }
        if (countryCode == null) {
            return out;
        }
        int ccDigits = String.valueOf(countryCode).length();
        if (ccDigits + number.length() > MAX_E164_DIGITS) {
            out.add("address: +" + countryCode + " " + number + " has " + (ccDigits + number.length())
                    + " digits; E.164 allows at most " + MAX_E164_DIGITS + " including the country code");
        } else if (countryCode == 1 && !NANP.matcher(number).matches()) {
            out.add("address: a North American number is 10 digits, area code and exchange not starting with "
                    + "0 or 1, got '" + number + "'");
        } else if (number.charAt(0) == '0' && countryCode != 39) {
            out.add("address: drop the national trunk prefix 0 (e.g. 15123456789, not 015123456789)");
        }
        return out;
    }

    private static String printable(String s) {
        String shown = s.length() > 32 ? s.substring(0, 32) + "…" : s;
        StringBuilder sb = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return sb.toString();
    }
}
