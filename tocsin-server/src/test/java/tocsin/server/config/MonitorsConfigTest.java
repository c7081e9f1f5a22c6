package tocsin.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tocsin.monitor.DeclaredMonitor;
import tocsin.monitor.MonitorType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MonitorsConfigTest {
    @TempDir
    Path dir;

    private TocsinConfig load(String text) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("tocsin.yaml"), text), Map.of());
    }

    private List<String> problems(String text) throws Exception {
        Path file = Files.writeString(dir.resolve("tocsin.yaml"), text);
        return catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, Map.of())).problems();
    }

    @Test
    void monitorsInDatadogsShapeAreReadWithTheirKeys() throws Exception {
        TocsinConfig c = load("""
                monitors:
                  - key: web-cpu
                    name: Web CPU
                    type: metric alert
                    query: "avg(last_5m):avg:system.cpu.user{role:web} by {host} > 80"
                    message: "{{#is_alert}}CPU {{value}} on {{host.name}} @ops@example.com{{/is_alert}}"
                    tags: [team:web, env:prod]
                    priority: 2
                    options:
                      thresholds: {critical: 80, warning: 70}
                      notify_no_data: true
                      no_data_timeframe: 10
                      renotify_interval: 60
                  - name: Disk
                    type: query alert
                    query: "max(last_1m):max:system.disk.in_use{*} > 0.9"
                """);
        List<DeclaredMonitor> monitors = c.monitors().orElseThrow();
        assertThat(monitors).extracting(DeclaredMonitor::key).containsExactly("key:web-cpu", "name:Disk");
        assertThat(monitors).extracting(DeclaredMonitor::path).containsExactly("monitors[0]", "monitors[1]");
        DeclaredMonitor web = monitors.getFirst();
        assertThat(web.definition().type()).isEqualTo(MonitorType.METRIC_ALERT);
        assertThat(web.definition().tags()).containsExactly("team:web", "env:prod");
        assertThat(web.definition().priority()).isEqualTo(2L);
        assertThat(web.definition().options().thresholds().warning()).isEqualTo(70.0);
        assertThat(web.definition().options().notifyNoData()).isTrue();
        assertThat(web.definition().options().renotifyInterval()).isEqualTo(60L);
        // the validator fills in the critical threshold from the query, as the API stores it
        assertThat(monitors.get(1).definition().options().thresholds().critical()).isEqualTo(0.9);
    }

    @Test
    void noSectionIsNotAnEmptySection() throws Exception {
        assertThat(load("http: {max_request_bytes: 1MiB}\n").monitors()).isEmpty();
        assertThat(load("monitors: []\n").monitors()).contains(List.of());
    }

    @Test
    void anUnparsableQueryIsReportedWithItsPathAndPosition() throws Exception {
        List<String> problems = problems("""
                monitors:
                  - name: ok
                    type: metric alert
                    query: "avg(last_5m):avg:cpu{*} > 80"
                  - name: broken
                    type: metric alert
                    query: "avg(last_5m):avg:cpu{*} >> 80"
                """);
        assertThat(problems).hasSize(1);
        assertThat(problems.getFirst()).startsWith("monitors[1].query: ").contains("at column 26").contains("expected a threshold number");
    }

    @Test
    void unknownOptionsWrongTypesAndMissingFieldsAreEachNamed() throws Exception {
        List<String> problems = problems("""
                monitors:
                  - name: A
                    type: metric alert
                    query: "avg(last_5m):avg:cpu{*} > 80"
                    options: {notify_no_dta: true, evaluation_delay: soon}
                  - name: B
                    type: metric alert
                    query: "avg(last_5m):avg:cpu{*} > 80"
                    tags: team:web
                    priority: high
                  - name: B2
                    type: metric alert
                    query: "avg(last_5m):avg:cpu{*} > 80"
                    options: {thresholds: {critical: 80, warning: 90}}
                  - type: metric alert
                    query: "avg(last_5m):avg:cpu{*} > 80"
                  - name: D
                    type: log alert
                    query: x
                    colour: red
                  - just a string
                """);
        assertThat(problems).containsExactlyInAnyOrder(
                "monitors[0].options.notify_no_dta: unknown field",
                "monitors[0].options.evaluation_delay: must be an integer, got a string",
                "monitors[1].tags: must be an array of strings, got a string",
                "monitors[1].priority: must be an integer, got a string",
                "monitors[2].options.thresholds.warning: 90 must be below the critical threshold (80) for '>'",
                "monitors[3].name: is required",
                "monitors[4].type: unknown monitor type 'log alert': expected metric alert, query alert, service check"
                        + " or composite",
                "monitors[4].colour: unknown field",
                "monitors[5]: must be a mapping, got 'just a string'");
    }

    @Test
    void duplicateKeysAndNamesAreRefused() throws Exception {
        List<String> problems = problems("""
                monitors:
                  - {key: cpu, name: CPU 1, type: metric alert, query: "avg(last_5m):avg:cpu{*} > 80"}
                  - {key: cpu, name: CPU 2, type: metric alert, query: "avg(last_5m):avg:cpu{*} > 90"}
                  - {name: Disk, type: metric alert, query: "avg(last_5m):avg:disk{*} > 80"}
                  - {name: Disk, type: metric alert, query: "avg(last_5m):avg:disk{*} > 90"}
                  - {key: Disk, name: Disk, type: metric alert, query: "avg(last_5m):avg:disk{*} > 95"}
                  - {key: "bad key!", name: E, type: metric alert, query: "avg(last_5m):avg:disk{*} > 95"}
                """);
        assertThat(problems).containsExactly(
                "monitors[1].key: 'cpu' is already the key of monitors[0]",
                "monitors[3].name: 'Disk' is already the name of monitors[2]; monitors without a key: are matched by "
                        + "name, so give one of them a key:",
                "monitors[5].key: must be a key of letters, digits and _ . : / - (at most 200), got 'bad key!'");
    }

    @Test
    void aHandleThatIsNoHandleIsRefusedAtLoad() throws Exception {
        assertThat(problems("""
                monitors:
                  - name: A
                    type: metric alert
                    query: "avg(last_5m):avg:cpu{*} > 80"
                    message: "page @nobody please"
                """)).singleElement().asString().startsWith("monitors[0].message: @nobody: unknown handle");
    }
}
