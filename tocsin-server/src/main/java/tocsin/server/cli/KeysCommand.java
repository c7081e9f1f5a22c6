package tocsin.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tocsin.core.access.AccessStore;
import tocsin.core.access.ApiKey;
import tocsin.core.access.Scope;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tocsin keys create|list|revoke}. Works on the data dir directly when no server runs on it, or through a
 * running server's API with {@code --server URL --api-key KEY}.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys.",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a key; prints the secret (only now) on standard output.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateTarget target;
        @Option(names = "--name", defaultValue = "cli", description = "A label for the key (default: ${DEFAULT-VALUE}).")
        String name;
        @Option(names = "--scope", required = true, split = ",", paramLabel = "SCOPE",
                description = "ingest, read, write or admin; repeat or separate with commas.")
        List<String> scopes;
        @Option(names = "--max-series", paramLabel = "N",
                description = "The most series in memory this key's requests may create (default: the server's "
                        + "metrics.max_series_per_key).")
        Long maxSeries;

        @Override
        public Integer call() throws Exception {
            EnumSet<Scope> parsed = EnumSet.noneOf(Scope.class);
            for (String s : scopes) {
                parsed.add(Scope.parse(s).orElseThrow(() -> new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "--scope: unknown scope '" + s + "'; expected ingest, read, write or admin")));
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (target.remote()) {
                Map<String, Object> body = new java.util.LinkedHashMap<>();
                body.put("name", name);
                body.put("scopes", parsed.stream().map(Scope::wireName).toList());
                body.put("max_series", maxSeries);
                JsonNode key = target.client().send("POST", "/api/tocsin/keys", body).get("key");
                out.println(key.get("secret").asText());
                err.println("Created key " + key.get("id").asText() + " (" + name + ") with scopes "
                        + key.get("scopes") + ". The secret above is shown only once.");
                return 0;
            }
            try (StateTarget.Local local = target.openLocal()) {
                AccessStore.CreatedKey created = local.access().createKey(name, parsed, "cli", null, maxSeries);
                out.println(created.secret());
                err.println("Created key " + created.key().id() + " (" + name + ") with scopes "
                        + parsed.stream().map(Scope::wireName).toList() + ". The secret above is shown only once.");
            } catch (IllegalArgumentException e) {
                err.println("tocsin: " + e.getMessage());
                return 2;
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateTarget target;
        @Option(names = "--all", description = "Include revoked keys.")
        boolean all;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-9s %-20s %-8s %-26s %-30s %s%n", "ID", "NAME", "HINT", "SCOPES", "CREATED", "REVOKED");
            if (target.remote()) {
                JsonNode keys = target.client().send("GET", "/api/tocsin/keys?include_revoked=" + all, null).get("keys");
                for (JsonNode k : keys) {
                    List<String> sc = new ArrayList<>();
                    k.get("scopes").forEach(s -> sc.add(s.asText()));
                    row(out, k.get("id").asText(), k.get("name").asText(), k.get("hint").asText(), sc,
                            k.get("created_at").asText(), k.get("revoked_at").isNull() ? "-" : k.get("revoked_at").asText());
                }
                return 0;
            }
            try (StateTarget.Local local = target.openLocal()) {
                for (ApiKey k : local.access().listKeys()) {
                    if (all || k.active()) {
                        row(out, k.id(), k.name(), k.hint(), k.scopes().stream().sorted().map(Scope::wireName).toList(),
                                k.createdAt().toString(), k.revokedAt() == null ? "-" : k.revokedAt().toString());
                    }
                }
            }
            return 0;
        }

        private static void row(PrintWriter out, String id, String name, String hint, List<String> scopes,
                                String created, String revoked) {
            out.printf("%-9s %-20s %-8s %-26s %-30s %s%n", id, name, hint, String.join(",", scopes), created, revoked);
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key by id.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StateTarget target;
        @Parameters(paramLabel = "ID", description = "The key id, as 'keys list' shows it.")
        String id;

        @Override
        public Integer call() throws Exception {
            boolean revoked;
            if (target.remote()) {
                revoked = target.client().sendForStatus("DELETE", "/api/tocsin/keys/" + id) == 204;
            } else {
                try (StateTarget.Local local = target.openLocal()) {
                    revoked = local.access().revokeKey(id);
                }
            }
            if (!revoked) {
                spec.commandLine().getErr().println("tocsin: no active key with id " + id);
                return 1;
            }
            spec.commandLine().getErr().println("Revoked key " + id);
            return 0;
        }
    }
}
