/** Datadog's monitor message templates and {@code @}-handles. */
package tocsin.monitor.template;
