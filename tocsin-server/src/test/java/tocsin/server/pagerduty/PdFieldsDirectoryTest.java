package tocsin.server.pagerduty;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import tocsin.server.http.ApiProblem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The additions the directory's routes made to {@link PdFields}: unwrapped bodies and per-field error lookup. */
class PdFieldsDirectoryTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void unwrappedBodiesNameFieldsWithoutAPrefix() throws Exception {
        PdFields f = PdFields.unwrapped(JSON.readTree("{\"role\": \"boss\", \"note\": null}"));

        f.optEnum("role", java.util.Set.of("manager", "observer"));

        assertThat(f.errors()).containsExactly("role: must be one of manager, observer, got 'boss'");
        assertThat(f.hasErrorOn("role")).isTrue();
        assertThat(f.hasErrorOn("note")).isFalse();
        assertThat(f.has("note")).isFalse();
    }

    @Test
    void anUnwrappedBodyMustBeAnObject() throws Exception {
        assertThatThrownBy(() -> PdFields.unwrapped(JSON.readTree("[1]")))
                .isInstanceOf(ApiProblem.class)
                .satisfies(e -> assertThat(((ApiProblem) e).errors()).containsExactly("body: must be a JSON object"));
    }

    @Test
    void hasErrorOnMatchesTheFieldNotItsPrefix() throws Exception {
        PdFields f = PdFields.root(JSON.readTree("{\"schedule\": {\"users\": 1, \"users_extra\": 2}}"), "schedule");

        f.objects("users_extra");

        assertThat(f.hasErrorOn("users_extra")).isTrue();
        assertThat(f.hasErrorOn("users")).isFalse();
    }
}
