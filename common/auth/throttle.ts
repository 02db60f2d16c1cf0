/**
 * Counted login attempts in KV, so that parallel requests and several processes see one count.
 * Every attempt is counted in an atomic commit *before* its password is checked, and forgotten
 * after a success: a burst of guesses cannot run ahead of its own count.
 *
 * Two rules use the same records:
 * - per client address, failures block: five attempts are free, then the address waits
 *   2^(n-5) s after its last attempt (up to 15 minutes) and is answered 429;
 * - per user name, failures only slow checks down: after five, at most one password check a
 *   second goes ahead for that name; a caller whose turn is more than a few seconds away is
 *   answered 429 with the wait instead of being held.
 * Records idle for an hour are forgotten (liveness by the stored time; `expireIn` only collects).
 */
import { TooManyAttemptsError } from "../errors.ts";
import { loginAttemptsKey } from "../db/keys.ts";
import { sha256Hex } from "./password.ts";

/** Attempts that cost nothing before a rule starts to act. */
export const FREE_ATTEMPTS = 5;
/** The longest an address is blocked after its last attempt. */
export const MAX_BLOCK_MS = 15 * 60_000;
/** Password checks of one user name are spaced this far apart once it is being guessed. */
export const NAME_CHECK_INTERVAL_MS = 1000;
/** The longest a request waits for its turn at a guessed name before it is answered 429. */
export const MAX_NAME_WAIT_MS = 4000;
const FORGET_AFTER_MS = 3600_000;

/** What is counted for one address or name. */
interface AttemptRecord {
  /** attempts since the last success (each counted before its check) */
  attempts: number;
  /** time of the last attempt, ms */
  lastAt: number;
  /** earliest time of the next password check for this name, ms (name records only) */
  nextAt: number;
}

/** The scopes attempts are counted in. */
export type AttemptScope = "address" | "token_address" | "name";

async function keyOf(scope: AttemptScope, id: string): Promise<Deno.KvKey> {
  // Names come from the client and may be any length: a fixed-size key.
  return loginAttemptsKey(scope, scope === "name" ? await sha256Hex(id.toLowerCase()) : id);
}

function live(rec: AttemptRecord | null, now: number): AttemptRecord | null {
  return rec && now - rec.lastAt < FORGET_AFTER_MS ? rec : null;
}

/** Milliseconds an address must wait after its last attempt, given its attempt count. */
export function blockMs(attempts: number): number {
  if (attempts < FREE_ATTEMPTS) return 0;
  return Math.min(2 ** (attempts - FREE_ATTEMPTS) * 1000, MAX_BLOCK_MS);
}

/**
 * Counts an attempt from a client address, or throws TooManyAttemptsError while the address is
 * blocked (a blocked attempt is not counted: it checks nothing).
 */
export async function countAddressAttempt(
  kv: Deno.Kv,
  address: string,
  opts: { scope?: "address" | "token_address"; message: (seconds: number) => string },
): Promise<void> {
  const key = await keyOf(opts.scope ?? "address", address);
  for (;;) {
    const now = Date.now();
    const entry = await kv.get<AttemptRecord>(key);
    const rec = live(entry.value, now);
    const attempts = rec?.attempts ?? 0;
    if (rec) {
      const until = rec.lastAt + blockMs(attempts);
      if (until > now) {
        const seconds = Math.ceil((until - now) / 1000);
        throw new TooManyAttemptsError(opts.message(seconds), seconds);
      }
    }
    const next: AttemptRecord = { attempts: attempts + 1, lastAt: now, nextAt: 0 };
    const res = await kv.atomic().check(entry).set(key, next, { expireIn: FORGET_AFTER_MS })
      .commit();
    // A lost race means another attempt was counted first: read the count again.
    if (res.ok) return;
  }
}

/**
 * Counts an attempt at a user name and answers how long to wait for the turn of its password
 * check (0 while the name is not being guessed). Throws TooManyAttemptsError when the turn is
 * more than MAX_NAME_WAIT_MS away.
 */
export async function reserveNameCheck(kv: Deno.Kv, name: string): Promise<number> {
  const key = await keyOf("name", name);
  for (;;) {
    const now = Date.now();
    const entry = await kv.get<AttemptRecord>(key);
    const rec = live(entry.value, now);
    const attempts = rec?.attempts ?? 0;
    let wait = 0;
    let nextAt = rec?.nextAt ?? 0;
    if (attempts >= FREE_ATTEMPTS) {
      const slot = Math.max(now, nextAt);
      wait = slot - now;
      if (wait > MAX_NAME_WAIT_MS) {
        const seconds = Math.ceil(wait / 1000);
        throw new TooManyAttemptsError(
          `Too many failed logins for this user name; try again in ${seconds} s.`,
          seconds,
        );
      }
      nextAt = slot + NAME_CHECK_INTERVAL_MS;
    }
    const next: AttemptRecord = { attempts: attempts + 1, lastAt: now, nextAt };
    const res = await kv.atomic().check(entry).set(key, next, { expireIn: FORGET_AFTER_MS })
      .commit();
    if (res.ok) return wait;
  }
}

/**
 * Takes back the attempt a successful login counted at a name: successes do not slow a name
 * down, and the failures counted there stay (a success from one browser does not let the
 * guesses of others go faster).
 */
export async function uncountNameAttempt(kv: Deno.Kv, name: string): Promise<void> {
  const key = await keyOf("name", name);
  for (let tries = 0; tries < 10; tries++) {
    const entry = await kv.get<AttemptRecord>(key);
    if (!entry.value || entry.value.attempts <= 0) return;
    const next = { ...entry.value, attempts: entry.value.attempts - 1 };
    const op = kv.atomic().check(entry);
    // Nothing left to remember: no key stays behind for a name that only ever logged in.
    if (next.attempts === 0 && next.nextAt <= Date.now()) op.delete(key);
    else op.set(key, next, { expireIn: FORGET_AFTER_MS });
    if ((await op.commit()).ok) return;
  }
}

/** Forgets the counted attempts of an address after a successful login. */
export async function forgetAddressAttempts(
  kv: Deno.Kv,
  address: string,
  scope: "address" | "token_address" = "address",
): Promise<void> {
  await kv.delete(await keyOf(scope, address));
}
