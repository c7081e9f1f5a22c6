package tocsin.monitor;

import org.junit.jupiter.api.Test;
import tocsin.monitor.template.HandleResolver;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class MonitorValidatorTest {
    static final Creator C = new Creator("a@example.com", "a@example.com", "A");
    final Map<Long, Monitor> existing = new HashMap<>();
    final MonitorValidator validator = new MonitorValidator(id -> Optional.ofNullable(existing.get(id)),
            h -> h.target().equals("Nowhere") ? Optional.of("no service named 'Nowhere'")
                    : HandleResolver.wellFormed().problem(h));

    static MonitorDefinition def(MonitorType type, String query, Thresholds t, String message) {
        return new MonitorDefinition("m", type, query, message, List.of(), null,
                MonitorOptions.defaults().withThresholds(t));
    }

    void put(long id, MonitorType type, String query) {
        existing.put(id, new Monitor(id, def(type, query, Thresholds.NONE, ""), C, Instant.EPOCH, Instant.EPOCH));
    }

    @Test
    void criticalComesFromTheQuery() {
        var r = validator.validate(def(MonitorType.METRIC_ALERT, "avg(last_5m):cpu{*} > 80", Thresholds.NONE, ""), 0);

        assertThat(r.errors()).isEmpty();
        assertThat(r.definition().options().thresholds().critical()).isEqualTo(80.0);
    }

    @Test
    void thresholdsInTheWrongOrderForTheComparatorAreErrors() {
        var above = validator.validate(def(MonitorType.METRIC_ALERT, "avg(last_5m):cpu{*} > 80",
                new Thresholds(80.0, 90.0, 85.0, 95.0, null, null), ""), 0);
        assertThat(above.errors()).containsExactly(
                "options.thresholds.warning: 90 must be below the critical threshold (80) for '>'",
                "options.thresholds.critical_recovery: 85 must be below the critical threshold (80) for '>'",
                "options.thresholds.warning_recovery: 95 must be below the warning threshold (90) for '>'");

        var below = validator.validate(def(MonitorType.METRIC_ALERT, "avg(last_5m):free{*} <= 10",
                new Thresholds(null, 5.0, null, null, null, null), ""), 0);
        assertThat(below.errors()).containsExactly(
                "options.thresholds.warning: 5 must be above the critical threshold (10) for '<='");

        assertThat(validator.validate(def(MonitorType.METRIC_ALERT, "avg(last_5m):free{*} < 10",
                new Thresholds(10.0, 20.0, 15.0, 25.0, null, null), ""), 0).errors()).isEmpty();
    }

    @Test
    void criticalInOptionsMustMatchTheQuery() {
        assertThat(validator.validate(def(MonitorType.METRIC_ALERT, "avg(last_5m):cpu{*} > 80",
                new Thresholds(90.0, null, null, null, null, null), ""), 0).errors())
                .containsExactly("options.thresholds.critical: 90 does not match the threshold in the query (80)");
    }

    @Test
    void unparsableQueryNamesTheColumn() {
        assertThat(validator.validate(def(MonitorType.QUERY_ALERT, "avg(last_5m):cpu{*} >", Thresholds.NONE, ""),
                0).errors()).singleElement().asString().startsWith("query: expected a threshold number after > at "
                + "column 22");
    }

    @Test
    void compositesMustReferenceExistingMonitorsWithoutCycles() {
        put(1, MonitorType.METRIC_ALERT, "avg(last_5m):cpu{*} > 80");
        put(2, MonitorType.COMPOSITE, "1 && 3");

        assertThat(validator.validate(def(MonitorType.COMPOSITE, "1 && !99", Thresholds.NONE, ""), 0).errors())
                .containsExactly("query: monitor 99 does not exist");
        assertThat(validator.validate(def(MonitorType.COMPOSITE, "1 || 2", Thresholds.NONE, ""), 3).errors())
                .containsExactly("query: monitor 2 references this monitor, which would make a cycle");
        assertThat(validator.validate(def(MonitorType.COMPOSITE, "1 || 3", Thresholds.NONE, ""), 3).errors())
                .containsExactly("query: a composite monitor cannot reference itself (3)");
        assertThat(validator.validate(def(MonitorType.COMPOSITE, "1 || !1", Thresholds.NONE, ""), 0).errors())
                .isEmpty();
    }

    @Test
    void templatesWarnOnUnknownVariablesAndRejectHandlesThatNameNothing() {
        var r = validator.validate(def(MonitorType.METRIC_ALERT, "avg(last_5m):cpu{*} by {host} > 80",
                Thresholds.NONE, "{{host.name}} {{colour}} @pagerduty-Nowhere @ops@example.com @bogus"), 0);

        assertThat(r.warnings()).containsExactly("message: unknown template variable '{{colour}}'");
        assertThat(r.errors()).containsExactly("message: @pagerduty-Nowhere: no service named 'Nowhere'",
                "message: @bogus: unknown handle: expected @pagerduty-<service>, @oncall-<team>, @slack-<channel>, "
                        + "@teams-<channel>, @webhook-<name> or an e-mail address such as @ops@example.com");
        assertThat(validator.validate(def(MonitorType.METRIC_ALERT, "avg(last_5m):cpu{*} > 80", Thresholds.NONE,
                "{{#is_alert}}x"), 0).errors()).singleElement().asString().startsWith("message: '{{#is_alert}}'");
    }

    @Test
    void serviceCheckThresholdsAreCounts() {
        assertThat(validator.validate(def(MonitorType.SERVICE_CHECK, "\"c\".over(\"*\").last(3).count_by_status()",
                new Thresholds(2.5, null, null, null, 0.0, null), ""), 0).errors()).containsExactlyInAnyOrder(
                "options.thresholds.critical: a service check threshold is a count of runs between 1 and 100, got 2.5",
                "options.thresholds.ok: a service check threshold is a count of runs between 1 and 100, got 0");
    }
}
