/**
 * Every password and API token check goes through here, counted in KV before it is made
 * (common/auth/throttle.ts): per client address failures block, per user name they only slow
 * checks down, and a browser that logged in before (a signed known-device cookie) is never
 * slowed down by guesses at its user's name. Unknown users are checked against a dummy hash.
 */
import { dummyHash, sha256Hex, verifyPassword } from "../common/auth/password.ts";
import { sign, signingKey, verifySigned } from "../common/auth/signing.ts";
import {
  countAddressAttempt,
  forgetAddressAttempts,
  reserveNameCheck,
  uncountNameAttempt,
} from "../common/auth/throttle.ts";
import { findApiToken, findUserByName } from "../common/db/users.ts";
import type { ApiToken, User } from "../common/schemas.ts";

/** How long a browser stays a known device after its last login. */
export const KNOWN_DEVICE_MS = 180 * 24 * 3600_000;
/** A token verified this recently is looked up again without being counted as an attempt. */
const TOKEN_MEMORY_MS = 5 * 60_000;
const DEVICE_PURPOSE = "known-device";

/** What a password check is about. */
export interface PasswordAttempt {
  /** the client's address (through trusted proxies) */
  address: string;
  username: string;
  password: string;
  /** the known-device cookie the browser sent, if any */
  device?: string;
}

/** Login and API credential checks of one manager, with counts of the expensive ones. */
export class LoginGuard {
  /** Password checks made (each a PBKDF2 run), counted for tests and monitoring. */
  passwordChecks = 0;
  /** API token look-ups made for tokens not verified in the last minutes. */
  tokenChecks = 0;
  #kv: Deno.Kv;
  #secretKey: string;
  #recentTokens = new Map<string, number>();

  constructor(kv: Deno.Kv, opts: { secretKey: string }) {
    this.#kv = kv;
    this.#secretKey = opts.secretKey;
  }

  /**
   * Checks a user name and password: the user when they match, null when not. Throws
   * TooManyAttemptsError while the address is blocked or the name's queue is long.
   */
  async checkPassword(attempt: PasswordAttempt): Promise<User | null> {
    const found = await findUserByName(this.#kv, attempt.username);
    const deviceUser = attempt.device ? await this.#deviceUser(attempt.device) : null;
    const known = found !== null && deviceUser === found.id;
    // A known device counts in a bucket of its own: guesses from the same address (a shared
    // NAT, a reverse proxy without TRUSTED_PROXIES) cannot lock it out.
    const bucket = known ? `${attempt.address} device ${found.id}` : attempt.address;
    await countAddressAttempt(this.#kv, bucket, {
      message: (s) => `Too many failed logins from your address; try again in ${s} s.`,
    });
    if (!known) {
      const wait = await reserveNameCheck(this.#kv, attempt.username);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    this.passwordChecks++;
    const ok = await verifyPassword(attempt.password, found?.passwordHash ?? await dummyHash());
    if (!found || !ok) return null;
    await forgetAddressAttempts(this.#kv, bucket);
    if (!known) await uncountNameAttempt(this.#kv, attempt.username);
    return found;
  }

  /** A known-device cookie value for a browser that just logged in as this user. */
  async deviceCookie(userId: string): Promise<string> {
    const key = await signingKey(this.#kv, this.#secretKey);
    return await sign(key, `${userId}.${Date.now()}`, { purpose: DEVICE_PURPOSE });
  }

  async #deviceUser(cookie: string): Promise<string | null> {
    const key = await signingKey(this.#kv, this.#secretKey);
    const value = await verifySigned(key, cookie, { purpose: DEVICE_PURPOSE });
    if (!value) return null;
    const [userId, issued] = value.split(".");
    const age = Date.now() - Number(issued);
    return userId && age >= 0 && age < KNOWN_DEVICE_MS ? userId : null;
  }

  /**
   * Looks up an API token, counting the attempt per client address first (tokens are random
   * 256-bit values: only the address is throttled). Throws TooManyAttemptsError while blocked.
   */
  async checkToken(address: string, secret: string): Promise<ApiToken | null> {
    const hash = await sha256Hex(secret);
    const remembered = (this.#recentTokens.get(hash) ?? 0) > Date.now();
    if (!remembered) {
      await countAddressAttempt(this.#kv, address, {
        scope: "token_address",
        message: (s) => `Too many unknown API tokens from your address; try again in ${s} s.`,
      });
      this.tokenChecks++;
    }
    const token = await findApiToken(this.#kv, secret);
    if (!token) {
      this.#recentTokens.delete(hash);
      return null;
    }
    if (!remembered) {
      await forgetAddressAttempts(this.#kv, address, "token_address");
      if (this.#recentTokens.size >= 1000) {
        this.#recentTokens.delete(this.#recentTokens.keys().next().value!);
      }
      this.#recentTokens.set(hash, Date.now() + TOKEN_MEMORY_MS);
    }
    return token;
  }
}
