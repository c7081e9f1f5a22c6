package tocsin.server.config;

import java.util.List;

/** The configuration cannot be used; carries every problem found, each prefixed with its path. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super(source + " has " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + ":\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
