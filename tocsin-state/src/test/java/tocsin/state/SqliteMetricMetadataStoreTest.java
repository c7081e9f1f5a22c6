package tocsin.state;

import java.nio.file.Path;
import java.time.InstantSource;

import org.junit.jupiter.api.io.TempDir;

class SqliteMetricMetadataStoreTest extends MetricMetadataStoreContract {

    @TempDir
    Path tmp;

    @Override
    protected StateConfig newStateConfig(InstantSource clock) {
        return new StateConfig(null, tmp.resolve("data"), clock, 4);
    }
}
