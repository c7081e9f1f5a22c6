package tocsin.monitor;

/**
 * Hears about monitor definitions changing, so that an evaluator can compile, recompile or drop them. Called after
 * the change is stored, on the caller's thread. Implementations are thread-safe.
 */
public interface MonitorListener {
    /** A monitor was created or its definition changed. */
    void monitorChanged(Monitor monitor);

    /** A monitor was deleted. */
    void monitorDeleted(long id);

    MonitorListener NONE = new MonitorListener() {
        @Override
        public void monitorChanged(Monitor monitor) {
        }

        @Override
        public void monitorDeleted(long id) {
        }
    };
}
