package tocsin.oncall.directory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static tocsin.oncall.directory.ContactMethod.Type.EMAIL;
import static tocsin.oncall.directory.ContactMethod.Type.PHONE;
import static tocsin.oncall.directory.ContactMethod.Type.PUSH_NOTIFICATION;
import static tocsin.oncall.directory.ContactMethod.Type.SMS;

class ContactAddressesTest {

    @ParameterizedTest
    @CsvSource({
            "49, 15123456789",      // German mobile
            "1, 4155550123",        // San Francisco
            "44, 7700900123",       // UK mobile
            "39, 0612345678",       // Rome keeps its 0
            "61, 412345678",        // Australian mobile
            "354, 5551234",         // Iceland, 3-digit code
            "49, 123456789012",     // 2 + 12 = 14 digits
            "7, 9123456789012",     // 1 + 13 = 14 digits
    })
    void validE164NumbersPass(int countryCode, String number) {
        assertThat(ContactAddresses.problems(SMS, number, countryCode)).isEmpty();
        assertThat(ContactAddresses.problems(PHONE, number, countryCode)).isEmpty();
    }

    @Test
    void e164LengthCountsTheCountryCode() {
        assertThat(ContactAddresses.problems(PHONE, "1234567890123", 49)).isEmpty(); // 15 digits
        assertThat(ContactAddresses.problems(PHONE, "12345678901234", 49)).containsExactly(
                "address: +49 12345678901234 has 16 digits; E.164 allows at most 15 including the country code");
        assertThat(ContactAddresses.problems(PHONE, "123", 49))
                .containsExactly("address: a national number has at least 4 digits, got 3");
    }

    @Test
    void phoneNumbersAreDigitsWithoutPrefixesAndWithACountryCode() {
        assertThat(ContactAddresses.problems(SMS, "+4915123456789", 49)).singleElement().asString()
                .startsWith("address: must be the national number without '+'");
        assertThat(ContactAddresses.problems(SMS, "0151-234567", 49)).containsExactly(
                "address: must contain digits only, got '0151-234567'");
        assertThat(ContactAddresses.problems(SMS, "015123456789", 49)).singleElement().asString()
                .startsWith("address: drop the national trunk prefix 0");
        assertThat(ContactAddresses.problems(SMS, "15123456789", null)).singleElement().asString()
                .startsWith("country_code: is required");
        assertThat(ContactAddresses.problems(SMS, "15123456789", 0)).singleElement().asString()
                .startsWith("country_code: must be a country calling code");
        assertThat(ContactAddresses.problems(SMS, "15123456789", 1000)).singleElement().asString()
                .startsWith("country_code: must be a country calling code");
        assertThat(ContactAddresses.problems(SMS, "١٢٣٤٥٦٧", 49)).singleElement().asString()
                .startsWith("address: must contain digits only"); // Arabic-Indic digits are not ASCII digits
        assertThat(ContactAddresses.problems(SMS, "12\u0000345678", 49)).containsExactly(
                "address: must contain digits only, got '12?345678'");
    }

    @Test
    void northAmericanNumbersFollowTheNumberingPlan() {
        assertThat(ContactAddresses.problems(PHONE, "4155550123", 1)).isEmpty();
        assertThat(ContactAddresses.problems(PHONE, "415555012", 1)).hasSize(1);
        assertThat(ContactAddresses.problems(PHONE, "1155550123", 1)).hasSize(1); // area code starts with 1
        assertThat(ContactAddresses.problems(PHONE, "4150550123", 1)).hasSize(1); // exchange starts with 0
    }

    @Test
    void emailAddressesAreChecked() {
        assertThat(ContactAddresses.problems(EMAIL, "Ops@Example.COM", null)).isEmpty();
        assertThat(ContactAddresses.problems(EMAIL, "ops@localhost", null)).isEmpty();
        assertThat(ContactAddresses.problems(EMAIL, "ops", null)).hasSize(1);
        assertThat(ContactAddresses.problems(EMAIL, "ops@@example.com", null)).hasSize(1);
        assertThat(ContactAddresses.problems(EMAIL, "o ps@example.com", null)).hasSize(1);
        assertThat(ContactAddresses.problems(EMAIL, "ops@-example.com", null)).hasSize(1);
        assertThat(ContactAddresses.problems(EMAIL, "x".repeat(65) + "@example.com", null)).hasSize(1);
        assertThat(ContactAddresses.problems(EMAIL, "ops@example.com", 49)).containsExactly(
                "country_code: is only for phone and SMS contact methods");
        assertThat(ContactAddresses.normalise(EMAIL, " Ops@Example.COM ")).isEqualTo("ops@example.com");
    }

    @Test
    void pushAddressesAreBoundedAndEveryAddressIsRequired() {
        assertThat(ContactAddresses.problems(PUSH_NOTIFICATION, "device-token", null)).isEmpty();
        assertThat(ContactAddresses.problems(PUSH_NOTIFICATION, "x".repeat(1025), null)).hasSize(1);
        assertThat(ContactAddresses.problems(EMAIL, " ", null)).containsExactly("address: is required");
        assertThat(ContactAddresses.problems(SMS, null, 49)).containsExactly("address: is required");
    }

    @Test
    void typesParseTheirWireAndReferenceNames() {
        assertThat(ContactMethod.Type.parse("sms_contact_method")).contains(SMS);
        assertThat(ContactMethod.Type.parse("sms_contact_method_reference")).contains(SMS);
        assertThat(ContactMethod.Type.parse("fax")).isEmpty();
        assertThat(ContactMethod.Type.parse(null)).isEmpty();
    }
}
