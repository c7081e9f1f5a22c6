/** Microsoft Teams: an Adaptive Card posted to a channel's Workflows (or legacy incoming) webhook. */
package tocsin.notify.teams;
