package tocsin.ingest;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A clock that moves only when told to. Thread-safe. */
public final class ManualClock implements InstantSource {
    private volatile long millis;

    public ManualClock(Instant start) {
        this.millis = start.toEpochMilli();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
        return millis;
    }

    public void set(Instant t) {
        millis = t.toEpochMilli();
    }

    public void advance(Duration d) {
        millis += d.toMillis();
    }
}
