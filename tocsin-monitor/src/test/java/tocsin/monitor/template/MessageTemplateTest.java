package tocsin.monitor.template;

import org.junit.jupiter.api.Test;
import tocsin.monitor.MonitorStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageTemplateTest {
    static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    static TemplateContext ctx(MonitorStatus from, MonitorStatus to) {
        return new TemplateContext(42, "CPU", from, to, false, 91.5, 80.0, 70.0, null, ">",
                Map.of("host", "web-1", "env", "prod"), T0, T0.minusSeconds(120), T0, 2L);
    }

    @Test
    void rendersSectionsPerTransition() {
        MessageTemplate t = MessageTemplate.parse("{{#is_alert}}ALERT {{host.name}} at {{value}} > {{threshold}}"
                + "{{/is_alert}}{{#is_warning}}WARN {{warn_threshold}}{{/is_warning}}{{#is_recovery}}recovered"
                + "{{/is_recovery}}{{^is_recovery}} @pagerduty-Web{{/is_recovery}}");

        assertThat(t.render(ctx(MonitorStatus.OK, MonitorStatus.ALERT)))
                .isEqualTo("ALERT web-1 at 91.5 > 80 @pagerduty-Web");
        assertThat(t.render(ctx(MonitorStatus.OK, MonitorStatus.WARN))).isEqualTo("WARN 70 @pagerduty-Web");
        assertThat(t.render(ctx(MonitorStatus.ALERT, MonitorStatus.OK))).isEqualTo("recovered");
    }

    @Test
    void rendersTransitionSpecificSectionsMatchesAndTimes() {
        MessageTemplate t = MessageTemplate.parse("{{#is_alert_recovery}}a{{/is_alert_recovery}}"
                + "{{#is_warning_recovery}}w{{/is_warning_recovery}}{{#is_no_data}}nd{{/is_no_data}}"
                + "{{#is_no_data_recovery}}ndr{{/is_no_data_recovery}}{{#is_alert_to_warning}}a2w"
                + "{{/is_alert_to_warning}}{{#is_match \"host.name\" \"web\" \"db\"}}m{{/is_match}}"
                + "{{#is_exact_match \"env\" \"pro\"}}x{{/is_exact_match}}{{#is_priority 'P2'}}p2{{/is_priority}}"
                + "|{{last_triggered_at}}|{{triggered_duration_sec}}|{{! comment }}{{comparator}}");

        assertThat(t.render(ctx(MonitorStatus.ALERT, MonitorStatus.OK))).isEqualTo("amp2|2026-03-01 09:00:00 UTC|120|>");
        assertThat(t.render(ctx(MonitorStatus.WARN, MonitorStatus.OK))).startsWith("wmp2");
        assertThat(t.render(ctx(MonitorStatus.OK, MonitorStatus.NO_DATA))).startsWith("ndmp2");
        assertThat(t.render(ctx(MonitorStatus.NO_DATA, MonitorStatus.OK))).startsWith("ndrmp2");
        assertThat(t.render(ctx(MonitorStatus.ALERT, MonitorStatus.WARN))).startsWith("a2wmp2");
    }

    @Test
    void unknownVariablesAndSectionsAreListedForWarnings() {
        MessageTemplate t = MessageTemplate.parse("{{value}} {{host.name}} {{az.name}} {{bogus}} {{#is_bad}}{{/is_bad}}");

        assertThat(t.unknownVariables(List.of("host"))).containsExactly(
                "unknown template variable '{{az.name}}': the monitor does not group by 'az'",
                "unknown template variable '{{bogus}}'", "unknown template section '{{#is_bad}}'");
        assertThat(t.render(ctx(MonitorStatus.OK, MonitorStatus.ALERT))).isEqualTo("91.5 web-1   ");
    }

    @Test
    void brokenTemplatesNameTheOffset() {
        assertThatThrownBy(() -> MessageTemplate.parse("x {{#is_alert}} y")).isInstanceOf(TemplateException.class)
                .hasMessage("'{{#is_alert}}' at offset 2 is never closed: expected '{{/is_alert}}'");
        assertThatThrownBy(() -> MessageTemplate.parse("{{#is_alert}}{{/is_warning}}"))
                .hasMessageContaining("does not close '{{#is_alert}}' opened at offset 0");
        assertThatThrownBy(() -> MessageTemplate.parse("{{/is_alert}}")).hasMessageContaining("closes no section");
        assertThatThrownBy(() -> MessageTemplate.parse("a {{value")).hasMessageContaining("unterminated '{{' at offset 2");
        assertThatThrownBy(() -> MessageTemplate.parse("{{#".repeat(40).replace("{{#", "{{#is_alert}}")))
                .hasMessageContaining("nest deeper than 32");
    }

    @Test
    void findsHandlesOfEveryKind() {
        List<Handle> handles = Handle.find("Page @pagerduty-Web-Frontend and @oncall-platform, tell @slack-ops "
                + "@teams-sre @webhook-hook1 and @alice@example.com. Not a@b.com or @frob.");

        assertThat(handles).extracting(Handle::kind, Handle::target).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Handle.Kind.PAGERDUTY, "Web-Frontend"),
                org.assertj.core.groups.Tuple.tuple(Handle.Kind.ONCALL, "platform"),
                org.assertj.core.groups.Tuple.tuple(Handle.Kind.SLACK, "ops"),
                org.assertj.core.groups.Tuple.tuple(Handle.Kind.TEAMS, "sre"),
                org.assertj.core.groups.Tuple.tuple(Handle.Kind.WEBHOOK, "hook1"),
                org.assertj.core.groups.Tuple.tuple(Handle.Kind.EMAIL, "alice@example.com"),
                org.assertj.core.groups.Tuple.tuple(Handle.Kind.EMAIL, "frob"));
        assertThat(HandleResolver.wellFormed().problem(handles.get(5))).isEmpty();
        assertThat(HandleResolver.wellFormed().problem(handles.get(6))).get().asString().contains("unknown handle");
    }
}
