/**
 * Noise control for the dispatcher: per-user, per-channel rate limits, and the digest that replaces a storm of
 * pages once a limit is reached.
 */
package tocsin.notify.noise;
