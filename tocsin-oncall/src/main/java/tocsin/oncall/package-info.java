/**
 * On-call: who is paged when. Today this holds schedules as PagerDuty models them ({@link tocsin.oncall.Schedule},
 * {@link tocsin.oncall.Layer}, {@link tocsin.oncall.Restriction}, {@link tocsin.oncall.ScheduleOverride}) and their
 * rendering over a window ({@link tocsin.oncall.ScheduleRenderer}, the front door, whose header explains turns, time
 * zones and precedence). Pure domain code: no I/O, no clock; time comes in as parameters. Input problems surface as
 * {@link tocsin.oncall.InvalidScheduleException}, naming fields as PagerDuty's JSON does.
 */
package tocsin.oncall;
