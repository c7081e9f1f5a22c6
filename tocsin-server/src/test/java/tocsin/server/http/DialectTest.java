package tocsin.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DialectTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void pathsMapToTheirVendorsDialect() {
        assertThat(Dialect.forPath("/api/v1/series")).isEqualTo(Dialect.DATADOG);
        assertThat(Dialect.forPath("/api/v2/logs")).isEqualTo(Dialect.DATADOG);
        assertThat(Dialect.forPath("/api/v1/write")).isEqualTo(Dialect.PROMETHEUS);
        assertThat(Dialect.forPath("/prometheus/api/v1/query")).isEqualTo(Dialect.PROMETHEUS);
        assertThat(Dialect.forPath("/api/tocsin/keys")).isEqualTo(Dialect.TOCSIN);
        assertThat(Dialect.forPath("/v2/enqueue")).isEqualTo(Dialect.PAGERDUTY_EVENTS);
        assertThat(Dialect.forPath("/generic/2010-04-15/create_event.json")).isEqualTo(Dialect.PAGERDUTY_EVENTS);
        assertThat(Dialect.forPath("/incidents")).isEqualTo(Dialect.PAGERDUTY_REST);
        assertThat(Dialect.forPath("/escalation_policies/PX/foo")).isEqualTo(Dialect.PAGERDUTY_REST);
        assertThat(Dialect.forPath("/")).isEqualTo(Dialect.TOCSIN);
        assertThat(Dialect.forPath("/usersx")).isEqualTo(Dialect.TOCSIN);
    }

    @Test
    void eachDialectRendersItsVendorsShape() {
        ApiProblem p = ApiProblem.badRequest("Invalid input", List.of("name: is required"));
        assertThat(Dialect.DATADOG.render(json, p, "/x").toString()).isEqualTo("{\"errors\":[\"name: is required\"]}");
        assertThat(Dialect.PAGERDUTY_REST.render(json, p, "/x").toString())
                .isEqualTo("{\"error\":{\"message\":\"Invalid input\",\"code\":2001,\"errors\":[\"name: is required\"]}}");
        assertThat(Dialect.PAGERDUTY_EVENTS.render(json, p, "/x").toString())
                .isEqualTo("{\"status\":\"invalid event\",\"message\":\"Invalid input\",\"errors\":[\"name: is required\"]}");
        assertThat(Dialect.PROMETHEUS.render(json, p, "/x").toString())
                .isEqualTo("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"Invalid input: name: is required\"}");
        assertThat(Dialect.TOCSIN.render(json, p, "/x").toString()).isEqualTo("{\"type\":\"about:blank\","
                + "\"title\":\"Bad Request\",\"status\":400,\"detail\":\"Invalid input\",\"instance\":\"/x\","
                + "\"errors\":[\"name: is required\"]}");
        assertThat(Dialect.DATADOG.render(json, ApiProblem.forbidden("Forbidden"), "/x").toString())
                .isEqualTo("{\"errors\":[\"Forbidden\"]}");
        assertThat(Dialect.PAGERDUTY_EVENTS.render(json, new ApiProblem(ApiProblem.Kind.TOO_MANY_REQUESTS, "slow down"), "/x")
                .get("status").asText()).isEqualTo("throttle event");
    }
}
