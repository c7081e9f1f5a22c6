package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.InstantSource;

import org.junit.jupiter.api.Test;

class StateConfigTest {

    @Test
    void blankUrlMeansTheEmbeddedDatabase() {
        StateConfig config = new StateConfig("  ", Path.of("data"), InstantSource.system(), 2);

        assertThat(config.isEmbedded()).isTrue();
        assertThat(config.databaseUrl()).isNull();
    }

    @Test
    void embeddedNeedsADataDir() {
        assertThatThrownBy(() -> new StateConfig(null, null, InstantSource.system(), 2))
                .hasMessage("data-dir: required for the embedded database");
    }

    @Test
    void poolNeedsAConnection() {
        assertThatThrownBy(() -> StateConfig.embedded(Path.of("data")).withMaxPoolSize(0))
                .hasMessage("max-pool-size: must be at least 1, was 0");
    }

    @Test
    void toStringHidesTheUrl() {
        assertThat(StateConfig.postgres("postgresql://app:hunter2@db/state").toString()).doesNotContain("hunter2");
    }

    @Test
    void openRejectsAMalformedUrlBeforeConnecting() {
        assertThatThrownBy(() -> StateStore.open(StateConfig.postgres("postgresql://app:hunter2@db:99999/state")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("database-url: invalid port; expected a number from 1 to 65535");
    }
}
