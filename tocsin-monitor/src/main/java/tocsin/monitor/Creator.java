package tocsin.monitor;

import java.util.Objects;

/** Who created a monitor, as Datadog's {@code creator} object shows it. Immutable. */
public record Creator(String email, String handle, String name) {
    public Creator {
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(name, "name");
    }
}
