package tocsin.state;

import java.util.Objects;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tocsin.core.access.AccessStore;
import tocsin.oncall.directory.PeopleStore;
import tocsin.oncall.directory.ScheduleStore;
import tocsin.oncall.paging.IncidentStore;
import tocsin.oncall.paging.PagingConfigStore;
import tocsin.monitor.MonitorStore;
import tocsin.notify.dispatch.DeliveryQueue;
import tocsin.notify.dispatch.Recipients;
import tocsin.notify.subscription.EndpointStore;
import tocsin.notify.subscription.EventQueue;

/**
 * The front door of Tocsin's SQL state: configuration, people, keys and incident state, on the embedded SQLite file
 * or on PostgreSQL. {@link #open} connects, brings the schema up to date and hands out the stores:
 *
 * <pre>{@code
 * try (StateStore state = StateStore.open(StateConfig.embedded(dataDir))) {
 *     AccessStore access = state.accessStore();
 *     ...
 * }
 * }</pre>
 *
 * Thread-safe. The stores it hands out are valid until {@link #close()}.
 */
public final class StateStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StateStore.class);

    private final Database database;
    private final HikariDataSource pool;
    private final int schemaVersion;
    private final AccessStore accessStore;
    private final PeopleStore peopleStore;
    private final ScheduleStore scheduleStore;
    private final PagingConfigStore pagingConfigStore;
    private final IncidentStore incidentStore;

    private final MonitorStore monitorStore;
    private final tocsin.monitor.downtime.DowntimeStore downtimeStore;
    private final DeliveryQueue deliveryQueue;
    private final SqlHandoffQueue handoffQueue;
    private final tocsin.notify.direct.DirectQueue directQueue;
    private final tocsin.monitor.eval.IncidentOutbox incidentOutbox;
    private final SqlServerSecrets serverSecrets;
    private final SqlEndpointStore endpointStore;
    private final SqlEventQueue eventQueue;
    private final SqlEventStore events;
    private final SqlMetricMetadataStore metricMetadata;

    private StateStore(Database database, HikariDataSource pool, Jdbc jdbc, int schemaVersion,
                       AccessStore accessStore, StateConfig config) {
        this.database = database;
        this.pool = pool;
        this.schemaVersion = schemaVersion;
        this.accessStore = accessStore;
        this.peopleStore = new SqlPeopleStore(jdbc, config.clock());
        this.scheduleStore = new SqlScheduleStore(jdbc, config.clock());
        this.pagingConfigStore = new SqlPagingConfigStore(jdbc, database.dialect(), config.clock());
        this.incidentStore = new SqlIncidentStore(jdbc, database.dialect(), config.maxPoolSize() / 2);
        this.monitorStore = new SqlMonitorStore(jdbc, config.clock());
        this.downtimeStore = new SqlDowntimeStore(jdbc);
        this.deliveryQueue = new SqlDeliveryQueue(jdbc);
        this.handoffQueue = new SqlHandoffQueue(jdbc);
        this.directQueue = new SqlDirectQueue(jdbc);
        this.incidentOutbox = new SqlIncidentOutbox(jdbc);
        this.serverSecrets = new SqlServerSecrets(jdbc, config.clock());
        this.endpointStore = new SqlEndpointStore(jdbc, config.clock());
        this.eventQueue = new SqlEventQueue(jdbc);
        this.events = new SqlEventStore(jdbc);
        this.metricMetadata = new SqlMetricMetadataStore(jdbc, config.clock());
    }

    /**
     * Connects to the database {@code config} names and applies pending schema migrations.
     *
     * @throws IllegalArgumentException      when the database URL is malformed (the message names the problem,
     *                                       never the password)
     * @throws DatabaseUnavailableException  when the database cannot be reached or refuses the login
     * @throws SchemaException               when the schema is newer than this binary or differs from what it shipped
     */
    public static StateStore open(StateConfig config) {
        Objects.requireNonNull(config, "config");
        Database database = Database.of(config);
        MigrationRunner migrations = new MigrationRunner(database.dialect(), config.clock());
        HikariDataSource pool = database.openPool(config.maxPoolSize());
        try {
            int version = migrations.migrate(pool);
            Jdbc jdbc = new Jdbc(pool, database.dialect()); // one for every store: their writers queue together
            AccessStore access = new SqlAccessStore(jdbc, config.clock(), new PasswordHasher());
            log.info("State in {}, schema version {}", database.describe(), version);
            return new StateStore(database, pool, jdbc, version, access, config);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    public AccessStore accessStore() {
        return accessStore;
    }

    /** People's PagerDuty profiles, contact methods, notification rules and teams. */
    public PeopleStore peopleStore() {
        return peopleStore;
    }

    /** Schedules, their overrides and calendar feeds. */
    public ScheduleStore scheduleStore() {
        return scheduleStore;
    }

    /** Escalation policies, services, integrations and maintenance windows. */
    public PagingConfigStore pagingConfigStore() {
        return pagingConfigStore;
    }

    /** Incidents, alerts, timelines, the notification outbox and escalation timers. */
    public IncidentStore incidentStore() {
        return incidentStore;
    }

    /** Downtimes that mute monitor groups. */
    public tocsin.monitor.downtime.DowntimeStore downtimeStore() {
        return downtimeStore;
    }

    /** Monitors, their group states and history. */
    public MonitorStore monitorStore() {
        return monitorStore;
    }

    /**
     * A named server-wide secret (32 random bytes), created on first use and the same for every node on this
     * database and across restarts: e.g. {@code link-signing} for acknowledge links.
     */
    public byte[] serverSecret(String name) {
        return serverSecrets.secret(name);
    }

    /** People's notification rules and contact methods, as the notification dispatcher asks for them. */
    public Recipients recipients() {
        return new DirectoryRecipients(peopleStore);
    }

    /** The delivery log of on-call handoff notifications. */
    public tocsin.notify.dispatch.HandoffQueue handoffQueue() {
        return handoffQueue;
    }

    /** The notification delivery log between the outbox and the channels. */
    /** The direct messages of monitor notifications, written with their transitions by the monitor store. */
    public tocsin.notify.direct.DirectQueue directQueue() {
        return directQueue;
    }

    /** The incidents monitor notifications open and resolve, as {@link #monitorStore()} writes them (V009). */
    public tocsin.monitor.eval.IncidentOutbox monitorIncidentOutbox() {
        return incidentOutbox;
    }

    public DeliveryQueue deliveryQueue() {
        return deliveryQueue;
    }

    /** Webhook subscriptions and chat extensions: the endpoints incident events go to. */
    public EndpointStore endpointStore() {
        return endpointStore;
    }

    /** Datadog's metric metadata: type, interval, units, per metric name. */
    public tocsin.core.metric.MetricMetadataStore metricMetadataStore() {
        return metricMetadata;
    }

    /** Datadog events (the events API, DogStatsD {@code _e}). */
    public tocsin.core.event.EventStore eventStore() {
        return events;
    }

    /** The incident events recorded for endpoints, and the cursor over the timeline they come from. */
    public EventQueue eventQueue() {
        return eventQueue;
    }

    public Dialect dialect() {
        return database.dialect();
    }

    /**
     * The connection pool, for the stores of later modules. Its connections are in auto-commit mode; on SQLite an
     * explicit transaction takes the write lock when it begins.
     */
    public DataSource dataSource() {
        return pool;
    }

    /** The schema version after migrations: the number of the last applied migration. */
    public int schemaVersion() {
        return schemaVersion;
    }

    /** Where the state is, safe for logs: the file or server, database and user, never a password. */
    public String describe() {
        return database.describe();
    }

    /** Closes the pool. Idempotent. */
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "StateStore[" + describe() + ", schema version " + schemaVersion + "]";
    }
}
