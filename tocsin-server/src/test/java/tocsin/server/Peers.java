package tocsin.server;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real peer binaries (Prometheus, node_exporter, Alertmanager) from Debian's packages. Tests that need one skip with
 * a clear message when it is absent, except under CI ({@code TOCSIN_REQUIRE_PEERS=1}, set by {@code .ci/run}), where
 * a missing peer fails the test.
 */
final class Peers {
    private Peers() {
    }

    /** The path of an executable on the PATH, or skip/fail when it is missing. */
    static Path require(String executable, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, executable);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        String message = executable + " is not installed (apt-get install " + debianPackage + "); .ci/run installs it";
        if ("1".equals(System.getenv("TOCSIN_REQUIRE_PEERS"))) {
            throw new AssertionError(message + ", and TOCSIN_REQUIRE_PEERS=1 makes this test mandatory");
        }
        Assumptions.abort(message);
        return null;
    }
}
