package tocsin.state;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.io.TempDir;

class SqliteMonitorStoreTest extends MonitorStoreContract {

    @TempDir
    Path tmp;

    private final AtomicInteger dataDirs = new AtomicInteger();

    @Override
    protected StateConfig newStateConfig(InstantSource clock) {
        return new StateConfig(null, tmp.resolve("data-" + dataDirs.incrementAndGet()), clock, 4);
    }
}
