package tocsin.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tocsin.core.event.Event;
import tocsin.core.event.EventStore;

/**
 * What every backend owes Datadog events: ids in the order of adding, every field back as stored, lists by time
 * window (inclusive, newest first), priority, source and tags, retention. Extended by the SQLite and PostgreSQL tests.
 */
public abstract class EventStoreContract {
    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

    private StateStore state;
    private EventStore events;

    protected abstract StateConfig newStateConfig(InstantSource clock);

    @BeforeEach
    void open() {
        state = StateStore.open(newStateConfig(new ManualClock(T0)));
        events = state.eventStore();
    }

    @AfterEach
    void close() {
        state.close();
    }

    private static Event event(String title, int secondsAfter, Event.Priority priority, String source,
                               String... tags) {
        return new Event(title, "text of " + title + "\nwith a second line, 'quotes' and ünïcode", T0.plusSeconds(
                secondsAfter), "web-1", "agg-" + title, priority, source, Event.AlertType.WARNING, List.of(tags));
    }

    private static List<String> titles(List<EventStore.Stored> stored) {
        return stored.stream().map(s -> s.event().title()).toList();
    }

    private EventStore.Query window(int from, int to) {
        return new EventStore.Query(T0.plusSeconds(from), T0.plusSeconds(to), null, List.of(), List.of(), 1000);
    }

    @Test
    void anEventComesBackAsStoredWithIncreasingIds() {
        Event deploy = new Event("Deployed checkout 1.4", "", T0, "", "", Event.Priority.NORMAL, "", Event.AlertType
                .SUCCESS, List.of("service:checkout", "env:prod"));
        EventStore.Stored first = events.add(deploy);
        EventStore.Stored second = events.add(event("second", 1, Event.Priority.LOW, "jenkins", "env:prod"));
        assertThat(second.id()).isGreaterThan(first.id());
        assertThat(events.find(first.id())).hasValueSatisfying(s -> assertThat(s.event()).isEqualTo(deploy));
        assertThat(events.find(second.id()).orElseThrow().event().text()).contains("ünïcode").contains("'quotes'");
        assertThat(events.find(second.id() + 1000)).isEmpty();
    }

    @Test
    void listsAreByInclusiveWindowNewestFirstAndFilteredByPrioritySourceAndEveryTag() {
        events.add(event("a", 0, Event.Priority.NORMAL, "jenkins", "env:prod", "team:pay"));
        events.add(event("b", 10, Event.Priority.LOW, "Jenkins", "env:prod"));
        events.add(event("c", 20, Event.Priority.NORMAL, "chef", "env:staging", "team:pay"));
        events.add(event("d", 30, Event.Priority.NORMAL, "", "env:prod", "team:pay"));

        assertThat(titles(events.list(window(0, 30)))).containsExactly("d", "c", "b", "a");
        assertThat(titles(events.list(window(10, 20)))).containsExactly("c", "b");
        assertThat(titles(events.list(new EventStore.Query(T0, T0.plusSeconds(30), Event.Priority.LOW, List.of(),
                List.of(), 10)))).containsExactly("b");
        assertThat(titles(events.list(new EventStore.Query(T0, T0.plusSeconds(30), null, List.of("jenkins"),
                List.of(), 10)))).containsExactly("b", "a");
        assertThat(titles(events.list(new EventStore.Query(T0, T0.plusSeconds(30), null, List.of(),
                List.of("env:prod", "team:pay"), 10)))).containsExactly("d", "a");
        assertThat(titles(events.list(new EventStore.Query(T0, T0.plusSeconds(30), null, List.of(),
                List.of("env:prod"), 2)))).containsExactly("d", "b");
        assertThat(titles(events.list(new EventStore.Query(T0, T0.plusSeconds(30), null, List.of(), List.of(), 2,
                1)))).as("a page").containsExactly("c", "b");
        assertThat(events.list(window(31, 100))).isEmpty();
        assertThat(events.list(window(0, 30)).getLast().event().tags()).containsExactly("env:prod", "team:pay");
    }

    @Test
    void retentionDeletesEventsThatHappenedBeforeTheCutoffWithTheirTags() {
        events.add(event("old", 0, Event.Priority.NORMAL, "", "env:prod"));
        EventStore.Stored kept = events.add(event("new", 100, Event.Priority.NORMAL, "", "env:prod"));
        assertThat(events.deleteBefore(T0.plusSeconds(50))).isEqualTo(1);
        assertThat(titles(events.list(window(0, 200)))).containsExactly("new");
        assertThat(events.find(kept.id()).orElseThrow().event().tags()).containsExactly("env:prod");
        assertThat(events.deleteBefore(T0.plusSeconds(50))).isZero();
    }

    @Test
    void concurrentAddsGetDistinctIds() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                ids.add(pool.submit(() -> events.add(event("e" + n, n, Event.Priority.NORMAL, "", "n:" + n)).id()));
            }
            List<Long> got = new ArrayList<>();
            for (Future<Long> f : ids) {
                got.add(f.get());
            }
            assertThat(got).doesNotHaveDuplicates().hasSize(40);
        } finally {
            pool.shutdown();
        }
        assertThat(events.list(window(0, 100))).hasSize(40);
    }
}
