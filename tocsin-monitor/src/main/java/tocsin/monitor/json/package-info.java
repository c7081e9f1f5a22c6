/** Monitors, searches and downtimes in Datadog's JSON shapes, both ways, with every bad field named. */
package tocsin.monitor.json;
