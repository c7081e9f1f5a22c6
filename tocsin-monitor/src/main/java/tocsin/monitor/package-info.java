/**
 * Datadog-compatible monitors: the model ({@link tocsin.monitor.Monitor}, {@link tocsin.monitor.MonitorOptions},
 * group states and transitions), the consumer-owned {@link tocsin.monitor.MonitorStore}, validation and the
 * {@link tocsin.monitor.MonitorService} front door for the API. Evaluation lives in {@code tocsin.monitor.eval}, the
 * query grammar in {@code tocsin.monitor.query}, message templates and handles in {@code tocsin.monitor.template},
 * downtimes in {@code tocsin.monitor.downtime}, Datadog's JSON shapes in {@code tocsin.monitor.json}.
 */
package tocsin.monitor;
