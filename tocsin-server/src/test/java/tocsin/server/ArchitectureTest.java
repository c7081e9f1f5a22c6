package tocsin.server;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Modules follow the data flow (DESIGN.md): each may use only the modules listed as its inputs here. Checked twice:
 * on the compiled classes (ArchUnit) and on the Maven POMs, so an upstream dependency fails the build whether it is
 * declared or merely used.
 */
class ArchitectureTest {

    /** module -> the modules it may depend on. Add a module here when it is created. */
    static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("core", Set.of());
        ALLOWED.put("tsdb", Set.of("core"));
        ALLOWED.put("logstore", Set.of("core"));
        ALLOWED.put("ingest", Set.of("core", "tsdb", "logstore"));
        ALLOWED.put("query", Set.of("core", "tsdb", "logstore"));
        ALLOWED.put("monitor", Set.of("core", "tsdb", "logstore", "query"));
        ALLOWED.put("oncall", Set.of("core"));
        ALLOWED.put("notify", Set.of("core", "oncall"));
        // state implements the store interfaces that the domain modules own
        ALLOWED.put("state", Set.of("core", "monitor", "oncall", "notify"));
        ALLOWED.put("server", Set.of("core", "tsdb", "logstore", "ingest", "query", "monitor", "oncall", "notify",
                "state"));
        // benchmarks talk to servers over the wire, like any client
        ALLOWED.put("bench", Set.of());
    }

    @Test
    void classesOnlyUseTheirInputModules() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("tocsin");
        assertThat(classes).as("tocsin classes on the classpath").isNotEmpty();
        for (var e : ALLOWED.entrySet()) {
            String module = e.getKey();
            List<String> forbidden = new ArrayList<>();
            for (String other : ALLOWED.keySet()) {
                if (!other.equals(module) && !e.getValue().contains(other)) {
                    forbidden.add("tocsin." + other + "..");
                }
            }
            if (forbidden.isEmpty()) {
                continue;
            }
            noClasses().that().resideInAPackage("tocsin." + module + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                    .because("tocsin-" + module + " may only use " + e.getValue())
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }

    @Test
    void pomsOnlyDeclareInputModules() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Pattern dep = Pattern.compile("<groupId>dev\\.tocsin</groupId>\\s*<artifactId>tocsin-([a-z]+)</artifactId>");
        int checked = 0;
        try (var dirs = Files.list(root)) {
            for (Path moduleDir : dirs.filter(p -> p.getFileName().toString().startsWith("tocsin-")).toList()) {
                Path pom = moduleDir.resolve("pom.xml");
                if (!Files.exists(pom)) {
                    continue;
                }
                String module = moduleDir.getFileName().toString().substring("tocsin-".length());
                assertThat(ALLOWED).as("module %s is listed in ArchitectureTest.ALLOWED", module).containsKey(module);
                String text = Files.readString(pom);
                int deps = text.indexOf("<dependencies>");
                Matcher m = dep.matcher(deps < 0 ? "" : text.substring(deps));
                while (m.find()) {
                    String target = m.group(1);
                    assertThat(target.equals(module) || ALLOWED.get(module).contains(target))
                            .as("tocsin-%s declares a dependency on tocsin-%s, which is upstream or sideways", module, target)
                            .isTrue();
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(3);
    }
}
