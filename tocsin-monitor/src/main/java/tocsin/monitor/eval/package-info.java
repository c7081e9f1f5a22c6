/**
 * The streaming evaluator ({@link tocsin.monitor.eval.MonitorEvaluator}): monitors compiled to matchers over series,
 * windows updated per accepted point, thresholds checked on arrival, a ticker for time-driven work, the worker that
 * applies the incidents transitions write to their outbox ({@link tocsin.monitor.eval.IncidentDispatcher} over an
 * {@link tocsin.monitor.eval.IncidentOutbox}), and the seams the server wires to the incident and notification
 * pipelines ({@link tocsin.monitor.eval.IncidentSink}, {@link tocsin.monitor.eval.MonitorNotifier}).
 */
package tocsin.monitor.eval;
