package tocsin.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PagerDuty's official JavaScript client, {@code @pagerduty/pdjs} (pinned in {@code src/test/pdjs}), driving the
 * directory's REST API: creating users, paging through {@code /users} with the client's own {@code next()},
 * creating a schedule and reading it rendered, and getting a PagerDuty-shaped 400. The client is pointed at Tocsin
 * with its {@code url} parameter (a full URL instead of {@code api.pagerduty.com}). Needs node and npm (Debian's
 * {@code nodejs}, {@code npm}) and the npm registry for {@code npm ci}; skipped without them unless
 * {@code TOCSIN_REQUIRE_PEERS=1}.
 */
class PdjsClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pagerDutysJavaScriptClientManagesUsersAndSchedules() throws Exception {
        Path node = Peers.require("node", "nodejs");
        Path npm = Peers.require("npm", "npm");
        Path dir = Path.of("target", "pdjs-client").toAbsolutePath();
        Files.createDirectories(dir);
        for (String f : List.of("package.json", "package-lock.json", "directory.mjs")) {
            Files.copy(Path.of("src", "test", "pdjs", f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!Files.isDirectory(dir.resolve("node_modules/@pagerduty/pdjs"))) {
            Result install = run(dir, Map.of(), 180, npm.toString(), "ci", "--no-audit", "--no-fund");
            if (install.exit() != 0) {
                String message = "npm ci of @pagerduty/pdjs failed (is the npm registry reachable?): " + install.out();
                if ("1".equals(System.getenv("TOCSIN_REQUIRE_PEERS"))) {
                    throw new AssertionError(message);
                }
                Assumptions.abort(message);
            }
        }

        try (TestServer tocsin = TestServer.start()) {
            Result r = run(dir, Map.of("TOCSIN_URL", "http://127.0.0.1:" + tocsin.port(),
                    "TOCSIN_KEY", TestServer.ADMIN_KEY), 60, node.toString(), "directory.mjs");
            assertThat(r.exit()).as(r.out()).isZero();
            JsonNode out = JSON.readTree(r.out().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no JSON from the script: " + r.out())));

            assertThat(out.get("created").findValuesAsText("role")).containsOnly("user");
            assertThat(out.get("created").findValues("status")).allMatch(s -> s.asInt() == 201);
            assertThat(out.get("total").asInt()).isEqualTo(3);
            // two pages of two, fetched by the client's next() from limit/offset/more
            assertThat(out.get("pages").toString())
                    .isEqualTo("[[\"Pdjs Ada\",\"Pdjs Bob\"],[\"Pdjs Cy\"]]");
            assertThat(out.get("scheduleStatus").asInt()).isEqualTo(201);
            assertThat(out.get("finalSchedule").toString()).isEqualTo("["
                    + "[\"Pdjs Ada\",\"2027-01-04T09:00:00-05:00\",\"2027-01-11T09:00:00-05:00\"],"
                    + "[\"Pdjs Bob\",\"2027-01-11T09:00:00-05:00\",\"2027-01-18T09:00:00-05:00\"],"
                    + "[\"Pdjs Cy\",\"2027-01-18T09:00:00-05:00\",\"2027-01-25T00:00:00-05:00\"]]");
            assertThat(out.get("badStatus").asInt()).isEqualTo(400);
            assertThat(out.get("badErrors").toString())
                    .contains("schedule.time_zone: must be an IANA time zone")
                    .contains("schedule.schedule_layers: must contain at least one layer");
        }
    }

    private record Result(int exit, String out) {
    }

    private static Result run(Path dir, Map<String, String> env, int seconds, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = Files.createTempFile("pdjs-", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s: "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
