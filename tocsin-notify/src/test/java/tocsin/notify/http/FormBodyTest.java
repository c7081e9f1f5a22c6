package tocsin.notify.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FormBodyTest {

    @Test
    void fieldsAreDecodedAsTwilioAndSlackEncodeThem() {
        Map<String, List<String>> form = FormBody.parse("From=%2B14155550123&Body=4+42&Body=%E2%9C%93&Empty=&Bare&&");
        assertThat(form).containsOnlyKeys("From", "Body", "Empty", "Bare");
        assertThat(FormBody.first(form, "From")).isEqualTo("+14155550123");
        assertThat(form.get("Body")).containsExactly("4 42", "✓");
        assertThat(FormBody.first(form, "Empty")).isEmpty();
        assertThat(FormBody.first(form, "Bare")).isEmpty();
        assertThat(FormBody.first(form, "Missing")).isNull();
        assertThat(FormBody.parse("")).isEmpty();
        assertThat(FormBody.parse(null)).isEmpty();
    }

    @Test
    void brokenEncodingAndFieldFloodsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> FormBody.parse("Body=4%zz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("body: malformed form encoding near '4%zz'");
        assertThatThrownBy(() -> FormBody.parse("a=%")).hasMessageContaining("malformed form encoding");
        assertThatThrownBy(() -> FormBody.parse("a=1&".repeat(FormBody.MAX_FIELDS + 1)))
                .hasMessage("body: more than " + FormBody.MAX_FIELDS + " form fields");
        assertThat(FormBody.parse("a=1&".repeat(FormBody.MAX_FIELDS - 1) + "a=1").get("a"))
                .hasSize(FormBody.MAX_FIELDS);
    }
}
