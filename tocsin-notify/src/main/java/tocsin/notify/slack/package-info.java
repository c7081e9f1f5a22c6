/**
 * Slack: the Web API ({@code chat.postMessage}, {@code chat.update} with a bot token) and incoming webhooks, Block
 * Kit messages with Acknowledge/Resolve buttons, and the verification and parsing of the interactive callbacks those
 * buttons cause.
 */
package tocsin.notify.slack;
