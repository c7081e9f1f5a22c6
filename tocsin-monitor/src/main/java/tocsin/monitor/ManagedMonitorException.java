package tocsin.monitor;

/**
 * The API tried to change or delete a monitor that the configuration file declares ({@code monitors:}); only a
 * change to the file (and a restart) changes it. Downtimes still mute it. Callers answer it with a 4xx in their API's
 * dialect.
 */
public final class ManagedMonitorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long monitorId;
    private final String key;

    public ManagedMonitorException(long monitorId, String key) {
        super("monitor " + monitorId + " is managed by the configuration file (monitors: entry with "
                + DeclaredMonitor.describe(key) + "); change or remove it there and restart Tocsin, or mute it with "
                + "a downtime", null, false, false);
        this.monitorId = monitorId;
        this.key = key;
    }

    public long monitorId() {
        return monitorId;
    }

    /** The key under which the configuration declares it. */
    public String key() {
        return key;
    }
}
