package tocsin.oncall.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tocsin.oncall.paging.AlertGrouping;

class GroupKeyTest {

    private static final AlertGrouping BY_SOURCE_AND_DB = new AlertGrouping(AlertGrouping.Type.CONTENT_BASED, null,
            List.of("source", "custom_details.db"), "all", Duration.ZERO);

    private static AlertEvent event(String source, Map<String, String> details) {
        return new AlertEvent(null, "summary", source, "error", null, null, null, null, details);
    }

    @Test
    void contentBasedKeysDependOnlyOnTheChosenFields() {
        String a = Incidents.groupKey(BY_SOURCE_AND_DB, event("h1", Map.of("db", "orders", "other", "1")));
        String b = Incidents.groupKey(BY_SOURCE_AND_DB, event("h1", Map.of("db", "orders", "other", "2")));
        String c = Incidents.groupKey(BY_SOURCE_AND_DB, event("h1", Map.of("db", "users")));

        assertThat(a).isEqualTo(b).startsWith("c:").hasSize(50);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void aMissingFieldIsNotTheSameAsAnEmptyOrShiftedOne() {
        String missing = Incidents.groupKey(BY_SOURCE_AND_DB, event("h1", Map.of()));
        String empty = Incidents.groupKey(BY_SOURCE_AND_DB, event("h1", Map.of("db", "")));
        // field separators keep "a" + "bc" apart from "ab" + "c"
        String shiftedA = Incidents.groupKey(BY_SOURCE_AND_DB, event("a", Map.of("db", "bc")));
        String shiftedB = Incidents.groupKey(BY_SOURCE_AND_DB, event("ab", Map.of("db", "c")));

        assertThat(missing).isNotEqualTo(empty);
        assertThat(shiftedA).isNotEqualTo(shiftedB);
    }

    @Test
    void timeGroupingSharesOneKeyAndNoGroupingHasNone() {
        AlertGrouping time = new AlertGrouping(AlertGrouping.Type.TIME, Duration.ofMinutes(5), null, null, null);
        assertThat(Incidents.groupKey(time, event("x", Map.of()))).isEqualTo("time");
        assertThat(Incidents.groupKey(AlertGrouping.NONE, event("x", Map.of()))).isNull();
    }
}
