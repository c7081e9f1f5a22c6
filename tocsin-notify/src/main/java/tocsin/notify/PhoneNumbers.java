package tocsin.notify;

import java.util.regex.Pattern;

/** Phone numbers as SMS and voice providers take them: E.164, {@code +} and 7 to 15 digits. Stateless. */
public final class PhoneNumbers {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    private PhoneNumbers() {
    }

    /** Whether {@code number} is in E.164 form. Spaces, dashes and brackets are not accepted: store numbers clean. */
    public static boolean isE164(String number) {
        return number != null && E164.matcher(number).matches();
    }

    /**
     * The number, if E.164.
     *
     * @throws PermanentDeliveryException naming the field, reason {@code invalid_phone_number}
     */
    public static String requireE164(String number, String field) throws PermanentDeliveryException {
        if (!isE164(number)) {
            throw new PermanentDeliveryException("invalid_phone_number", field + " is not a phone number in E.164 "
                    + "form (+ then country code and number, up to 15 digits): " + number);
        }
        return number;
    }
}
