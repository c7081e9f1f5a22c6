package tocsin.notify.twilio;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TwilioSignatureTest {

    /** Twilio's documented example: auth token 12345, this URL and these parameters. */
    static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    static final String SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    static Map<String, List<String>> params() {
        Map<String, List<String>> p = new LinkedHashMap<>();
        // deliberately not in alphabetical order
        p.put("Digits", List.of("1234"));
        p.put("To", List.of("+18005551212"));
        p.put("From", List.of("+14158675309"));
        p.put("Caller", List.of("+14158675309"));
        p.put("CallSid", List.of("CA1234567890ABCDE"));
        return p;
    }

    final TwilioSignature verifier = new TwilioSignature("12345");

    @Test
    void twilioDocumentedExampleVerifies() {
        assertThat(verifier.sign(URL, params())).isEqualTo(SIGNATURE);
        assertThat(verifier.verify(URL, params(), SIGNATURE)).isTrue();
    }

    @Test
    void theDefaultPortMayBeAddedOrDroppedByAProxy() {
        assertThat(verifier.verify("https://mycompany.com:443/myapp.php?foo=1&bar=2", params(), SIGNATURE)).isTrue();
        String signedWithPort = verifier.sign("https://mycompany.com:443/myapp.php?foo=1&bar=2", params());
        assertThat(verifier.verify(URL, params(), signedWithPort)).isTrue();
        assertThat(verifier.verify("https://mycompany.com:8443/myapp.php?foo=1&bar=2", params(), SIGNATURE)).isFalse();
    }

    @Test
    void repeatedParametersFollowTwiliosLibraries() {
        // twilio-python's vector for a repeated parameter: names sorted, distinct values sorted
        Map<String, List<String>> p = new LinkedHashMap<>();
        p.put("Sid", List.of("CA123"));
        p.put("SidAccount", List.of("AC123"));
        p.put("Digits", List.of("5678", "1234", "1234"));
        assertThat(verifier.verify(URL, p, "IK+Dwps556ElfBT0I3Rgjkr1wJU=")).isTrue();
    }

    @Test
    void forgeriesAreRejected() {
        Map<String, List<String>> tampered = new LinkedHashMap<>(params());
        tampered.put("Digits", List.of("6"));
        assertThat(verifier.verify(URL, tampered, SIGNATURE)).as("changed digit").isFalse();
        Map<String, List<String>> extra = new LinkedHashMap<>(params());
        extra.put("Extra", List.of("1"));
        assertThat(verifier.verify(URL, extra, SIGNATURE)).as("added parameter").isFalse();
        assertThat(verifier.verify(URL + "&x=1", params(), SIGNATURE)).as("other URL").isFalse();
        assertThat(verifier.verify("http://mycompany.com/myapp.php?foo=1&bar=2", params(), SIGNATURE))
                .as("other scheme").isFalse();
        assertThat(new TwilioSignature("54321").verify(URL, params(), SIGNATURE)).as("other token").isFalse();
        assertThat(verifier.verify(URL, params(), null)).as("no header").isFalse();
        assertThat(verifier.verify(URL, params(), "")).as("empty header").isFalse();
        assertThat(verifier.verify(URL, params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8")).as("truncated").isFalse();
        assertThat(verifier.verify("::not a url::", params(), SIGNATURE)).isFalse();
    }
}
