package tocsin.monitor;

import org.junit.jupiter.api.Test;
import tocsin.monitor.eval.InMemoryMonitorStore;
import tocsin.monitor.template.HandleResolver;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class MonitorReconcilerTest {
    final MonitorStore store = new InMemoryMonitorStore(InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z")));
    final MonitorService service = new MonitorService(store, HandleResolver.wellFormed());

    static MonitorDefinition def(String name, MonitorType type, String query) {
        return new MonitorDefinition(name, type, query, "", List.of(), null, MonitorOptions.defaults());
    }

    static DeclaredMonitor declared(String key, int index, MonitorDefinition d) {
        return new DeclaredMonitor(key, "monitors[" + index + "]", d);
    }

    @Test
    void anUnchangedFileChangesNothingAndAChangedOneUpdatesInPlace() {
        MonitorDefinition cpu = def("CPU", MonitorType.METRIC_ALERT, "avg(last_5m):avg:cpu{*} > 80");
        long id = MonitorReconciler.reconcile(service, List.of(declared("key:cpu", 0, cpu))).created().getFirst();
        assertThat(MonitorReconciler.reconcile(service, List.of(declared("key:cpu", 0, cpu))).unchanged())
                .containsExactly(id);
        MonitorDefinition query = def("CPU", MonitorType.QUERY_ALERT, "avg(last_5m):avg:cpu{*} > 90");
        assertThat(MonitorReconciler.reconcile(service, List.of(declared("key:cpu", 0, query))).updated())
                .containsExactly(id);
        assertThat(store.find(id).orElseThrow().definition().query()).endsWith("> 90");
    }

    @Test
    void aTypeTheApiCannotChangeReplacesTheMonitorUnderItsKey() {
        long id = MonitorReconciler.reconcile(service, List.of(declared("name:Web", 0, def("Web",
                MonitorType.METRIC_ALERT, "avg(last_5m):avg:web{*} > 1")))).created().getFirst();
        MonitorReconciler.Report r = MonitorReconciler.reconcile(service, List.of(declared("name:Web", 0, def("Web",
                MonitorType.SERVICE_CHECK, "\"http.ok\".over(\"*\").last(2).count_by_status()"))));
        assertThat(r.deleted()).containsExactly(id);
        assertThat(r.created()).singleElement().isNotEqualTo(id);
        assertThat(store.managed()).containsOnlyKeys("name:Web").containsValue(r.created().getFirst());
    }

    @Test
    void removedCompositesGoBeforeTheMonitorsTheyReference() {
        long a = MonitorReconciler.reconcile(service, List.of(declared("key:a", 0, def("A", MonitorType.METRIC_ALERT,
                "avg(last_5m):avg:a{*} > 1")))).created().getFirst();
        MonitorDefinition composite = def("C", MonitorType.COMPOSITE, a + " && " + a);
        long c = MonitorReconciler.reconcile(service, List.of(declared("key:a", 0, store.find(a).orElseThrow()
                .definition()), declared("key:c", 1, composite))).created().getFirst();
        assertThat(MonitorReconciler.reconcile(service, List.of()).deleted()).containsExactly(c, a);
        assertThat(store.list(MonitorStore.MonitorFilter.ALL)).isEmpty();
    }

    @Test
    void problemsAreListedWithTheirPathsAndNothingChanges() {
        long a = MonitorReconciler.reconcile(service, List.of(declared("key:a", 0, def("A", MonitorType.METRIC_ALERT,
                "avg(last_5m):avg:a{*} > 1")))).created().getFirst();
        long composite = service.create(def("API composite", MonitorType.COMPOSITE, a + " || " + a),
                MonitorReconciler.CONFIG).id();
        InvalidMonitorException e = catchThrowableOfType(InvalidMonitorException.class, () ->
                MonitorReconciler.reconcile(service, List.of(
                        declared("key:b", 0, def("B", MonitorType.METRIC_ALERT, "avg(last_5m):avg:b{*} > 1")),
                        declared("key:d", 1, def("D", MonitorType.COMPOSITE, "999")),
                        declared("key:b", 2, def("B2", MonitorType.METRIC_ALERT, "avg(last_5m):avg:b{*} > 2")))));
        assertThat(e.errors()).containsExactly(
                "monitors[1].query: monitor 999 does not exist",
                "monitors[2]: key 'b' is declared twice",
                "monitors: the entry with key 'a' (monitor " + a + ") is no longer declared, but composite monitors ["
                        + composite + "] reference it; remove them from their query first");
        assertThat(store.list(MonitorStore.MonitorFilter.ALL)).extracting(Monitor::id).containsExactly(a, composite);
    }

    @Test
    void theApiMayNotChangeOrDeleteADeclaredMonitor() {
        long a = MonitorReconciler.reconcile(service, List.of(declared("key:a", 0, def("A", MonitorType.METRIC_ALERT,
                "avg(last_5m):avg:a{*} > 1")))).created().getFirst();
        ManagedMonitorException put = catchThrowableOfType(ManagedMonitorException.class, () -> service.update(a,
                def("A2", MonitorType.METRIC_ALERT, "avg(last_5m):avg:a{*} > 1")));
        assertThat(put.getMessage()).startsWith("monitor " + a + " is managed by the configuration file (monitors: "
                + "entry with key 'a')");
        assertThat(catchThrowableOfType(ManagedMonitorException.class, () -> service.delete(a)).key())
                .isEqualTo("key:a");
        assertThat(store.find(a).orElseThrow().definition().name()).isEqualTo("A");
    }
}
