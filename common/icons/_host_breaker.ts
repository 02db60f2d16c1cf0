/**
 * Stops hammering a logo host that does not answer: after a run of network failures its
 * remaining icons fail at once for a while instead of each waiting out ICON_TIMEOUT (25,000
 * logos on one dead host would otherwise hold the queue for a day).
 */

/** Consecutive network failures that open the breaker. */
const TRIP_AFTER = 5;
/** How long an open breaker refuses a host. */
const OPEN_MS = 10 * 60_000;

/** Per-host failure counts. */
export class HostBreaker {
  #hosts = new Map<string, { fails: number; openUntil: number; last: string }>();

  /** Null when the host may be tried, else why not. */
  refusal(host: string, now = Date.now()): string | null {
    const h = this.#hosts.get(host);
    if (!h || h.openUntil <= now) return null;
    return `was not fetched: ${host} did not answer the last ${h.fails} tries (last: ${h.last}); ` +
      "it is tried again later";
  }

  /** Records the outcome of one fetch. */
  record(host: string, networkFailure: string | null, now = Date.now()): void {
    if (!networkFailure) {
      this.#hosts.delete(host);
      return;
    }
    const h = this.#hosts.get(host) ?? { fails: 0, openUntil: 0, last: "" };
    h.fails++;
    h.last = networkFailure;
    if (h.fails >= TRIP_AFTER) h.openUntil = now + OPEN_MS;
    this.#hosts.set(host, h);
    if (this.#hosts.size > 10_000) this.#hosts.delete(this.#hosts.keys().next().value!);
  }
}
