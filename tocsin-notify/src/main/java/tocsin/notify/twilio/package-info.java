/**
 * SMS and voice calls through Twilio's REST API (or any API that speaks it at {@code base_url}): the Messages and
 * Calls resources, TwiML for a call that reads the incident and gathers a keypress, and verification of the
 * {@code X-Twilio-Signature} on Twilio's callbacks.
 */
package tocsin.notify.twilio;
