/**
 * What a notification says, per medium: SMS within one GSM-7 segment where possible, rich HTML and plain-text
 * e-mail, Slack Block Kit blocks, a Teams Adaptive Card, a voice script. Plain Java, no template engine: every
 * medium has its own escaping ({@link tocsin.notify.template.Html}, Slack mrkdwn, GSM-7), which is easier to get right
 * and to test in code than in a template language. Everything user-provided (titles, summaries, service names,
 * values) is escaped for the medium it lands in.
 */
package tocsin.notify.template;
