package tocsin.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code tocsin}: the command line. {@code tocsin server} runs the server; {@code tocsin keys ...} manages API keys.
 *
 * <p>Exit codes: 0 success, 1 a runtime failure (cannot start, cannot reach the server), 2 a usage error.
 */
@Command(name = "tocsin", mixinStandardHelpOptions = true, usageHelpWidth = 120, versionProvider = Main.Version.class,
        description = "Self-hosted monitoring and on-call: metrics and logs in, monitors, incidents, pages out.",
        subcommands = {ServerCommand.class, KeysCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Every flag can also be set by environment: --http-addr as TOCSIN_HTTP_ADDR, and so on."})
public final class Main {

    public static void main(String[] args) {
        // Helidon logs through java.util.logging; send it to the same place as everything else.
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        System.exit(run(args));
    }

    /** Runs the command line without exiting the JVM; returns the exit code. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("tocsin: " + e.getMessage()));
            return 1;
        });
        return cli.execute(args);
    }

    /** The version from the jar manifest, or "development". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"tocsin " + (v == null ? "development" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
