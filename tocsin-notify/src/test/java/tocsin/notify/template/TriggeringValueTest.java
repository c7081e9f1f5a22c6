package tocsin.notify.template;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TriggeringValueTest {

    @Test
    void aMonitorIncidentShowsTheValueThatCrossedTheThreshold() {
        // what MonitorIncidents stores as the alert's custom_details
        String details = "{\"monitor_id\":\"12\",\"group\":\"host:db-1\",\"status\":\"Alert\",\"value\":\"97.0\","
                + "\"message\":\"Disk full @pagerduty-Checkout\"}";
        assertThat(TriggeringValue.of(details)).contains("97");
        assertThat(TriggeringValue.of("{\"value\":\"0.30000000000000004\"}")).contains("0.3");
        assertThat(TriggeringValue.of("{\"value\":\"1.0E7\"}")).contains("10000000");
        assertThat(TriggeringValue.of("{\"value\":\"-2.5e-3\"}")).contains("-0.0025");
        assertThat(TriggeringValue.of("{\"value\":\"1.5E20\"}")).contains("1.5E+20");
    }

    @Test
    void aMonitorWithoutValueShowsNone() {
        assertThat(TriggeringValue.of("{\"monitor_id\":\"12\",\"status\":\"No Data\",\"value\":\"\"}")).isEmpty();
        assertThat(TriggeringValue.of("{\"value\":{\"nested\":1}}")).isEmpty();
    }

    @Test
    void eventsApiDetailsShowTheirValueOrTheirFirstScalarFields() {
        assertThat(TriggeringValue.of("{\"value\":\"97 %\",\"host\":\"db-1\"}")).contains("97 %");
        assertThat(TriggeringValue.of("{\"free\":\"2%\",\"host\":\"db-1\",\"nested\":{\"a\":1},\"n\":3.0,"
                + "\"more\":\"x\"}")).contains("free=2%, host=db-1, n=3");
        assertThat(TriggeringValue.of("\"latency 2.3 s\"")).contains("latency 2.3 s");
        assertThat(TriggeringValue.of("42.50")).contains("42.5");
        assertThat(TriggeringValue.of("not json\nat all")).contains("not json at all");
    }

    @Test
    void nothingOrHugeDetailsStayOutOfTheWay() {
        assertThat(TriggeringValue.of(null)).isEmpty();
        assertThat(TriggeringValue.of(" ")).isEmpty();
        assertThat(TriggeringValue.of("null")).isEmpty();
        assertThat(TriggeringValue.of("[1,2]")).isEmpty();
        assertThat(TriggeringValue.of("{}")).isEmpty();
        assertThat(TriggeringValue.of("{\"value\":\"" + "x".repeat(500) + "\"}").orElseThrow())
                .hasSize(TriggeringValue.MAX).endsWith("…");
    }
}
