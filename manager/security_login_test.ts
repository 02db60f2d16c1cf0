/**
 * Attacks on the login: parallel password guessing (form, HTTP Basic, API tokens), guessing one
 * user name from many addresses, user names by timing, spoofed forwarded headers, and locking
 * the admin out from behind a shared address.
 */
import { equal, match, ok } from "node:assert/strict";
import { FREE_ATTEMPTS, MAX_NAME_WAIT_MS } from "../common/auth/throttle.ts";
import { Client, startTestManager, type TestManager } from "../testing/harness.ts";

const opts = {};
const PASSWORD = "correct horse battery";

/** A login form ready to be posted many times at once: its CSRF cookie and token. */
async function loginForm(m: TestManager): Promise<(fields: LoginFields) => Promise<Response>> {
  const c = new Client(m.base);
  await c.page("/login");
  const csrf = c.cookies.get("iptv_login_csrf")!;
  return ({ username, password, headers = {}, cookies = "" }) =>
    fetch(`${m.base}/login`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: `iptv_login_csrf=${csrf}${cookies ? `; ${cookies}` : ""}`,
        ...headers,
      },
      body: new URLSearchParams({ username, password, _csrf: csrf, next: "/admin" }),
    });
}

interface LoginFields {
  username: string;
  password: string;
  headers?: Record<string, string>;
  cookies?: string;
}

async function statuses(responses: Response[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const r of responses) {
    await r.body?.cancel();
    out.set(r.status, (out.get(r.status) ?? 0) + 1);
  }
  return out;
}

Deno.test(
  "30 parallel wrong passwords from one address cost at most 5 password checks; the rest answer 429",
  opts,
  async () => {
    const m = await startTestManager();
    try {
      const post = await loginForm(m);
      const before = m.deps.guard.passwordChecks;
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => post({ username: "admin", password: `guess ${i}` })),
      );
      const retryAfter = answers.find((r) => r.status === 429)?.headers.get("retry-after");
      const counts = await statuses(answers);
      const checks = m.deps.guard.passwordChecks - before;
      ok(checks <= FREE_ATTEMPTS, `${checks} password checks`);
      equal(counts.get(422), checks, "every check that was made failed");
      equal(counts.get(429), 30 - checks);
      ok(Number(retryAfter) >= 1, "429 says when to come back");
      // The right password waits too: the address is blocked, not the guess.
      const right = await post({ username: "admin", password: PASSWORD });
      equal(right.status, 429);
      match(await right.text(), /Too many failed logins from your address/);
      equal(m.deps.guard.passwordChecks - before, checks);
    } finally {
      await m.close();
    }
  },
);

Deno.test(
  "30 parallel wrong HTTP Basic credentials cost at most 5 password checks; the rest answer 429",
  opts,
  async () => {
    const m = await startTestManager();
    try {
      const before = m.deps.guard.passwordChecks;
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          fetch(`${m.base}/api/v1/channels`, {
            headers: { authorization: "Basic " + btoa(`admin:guess ${i}`) },
          })),
      );
      const limited = answers.find((r) => r.status === 429)!;
      equal(limited.headers.get("content-type"), "application/json");
      ok(Number(limited.headers.get("retry-after")) >= 1);
      const counts = await statuses(answers);
      const checks = m.deps.guard.passwordChecks - before;
      ok(checks <= FREE_ATTEMPTS, `${checks} password checks`);
      equal(counts.get(401), checks);
      equal(counts.get(429), 30 - checks);
    } finally {
      await m.close();
    }
  },
);

Deno.test(
  "30 parallel unknown API tokens from one address cost at most 5 look-ups; the rest answer 429",
  opts,
  async () => {
    const m = await startTestManager({ TRUSTED_PROXIES: "127.0.0.1" });
    try {
      const c = new Client(m.base);
      await c.login("admin", PASSWORD);
      const created = await c.postForm("/admin/account/tokens", { name: "Script" });
      const secret = /data-testid="new-token">([^<]+)</.exec(await created.text())![1];
      const before = m.deps.guard.tokenChecks;
      const attacker = { "x-forwarded-for": "203.0.113.66" };
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          fetch(`${m.base}/api/v1/channels`, {
            headers: { authorization: `Bearer iptv_guess${i}`, ...attacker },
          })),
      );
      const counts = await statuses(answers);
      const checks = m.deps.guard.tokenChecks - before;
      ok(checks <= FREE_ATTEMPTS, `${checks} token look-ups`);
      equal(counts.get(401), checks);
      equal(counts.get(429), 30 - checks);
      const blocked = await fetch(`${m.base}/api/v1/channels`, {
        headers: { authorization: `Bearer ${secret}`, ...attacker },
      });
      equal(blocked.status, 429, "the blocked address waits even with a good token");
      await blocked.body?.cancel();
      // Tokens are throttled per address only: the script elsewhere goes on working.
      for (let i = 0; i < 3; i++) {
        const good = await fetch(`${m.base}/api/v1/channels`, {
          headers: { authorization: `Bearer ${secret}`, "x-forwarded-for": "198.51.100.5" },
        });
        equal(good.status, 200);
        await good.body?.cancel();
      }
    } finally {
      await m.close();
    }
  },
);

Deno.test(
  "guesses at one user name from many addresses are slowed to one check a second and never lock out a known browser",
  opts,
  async () => {
    const m = await startTestManager({ TRUSTED_PROXIES: "127.0.0.1" });
    try {
      const post = await loginForm(m);
      // The admin's browser logged in before: it holds a signed known-device cookie.
      const first = await post({
        username: "admin",
        password: PASSWORD,
        headers: { "x-forwarded-for": "192.0.2.10" },
      });
      equal(first.status, 303);
      const device = first.headers.getSetCookie().find((s) => s.startsWith("iptv_device="))!;
      match(device, /HttpOnly/);
      match(device, /Path=\/login/);
      const deviceCookie = device.split(";")[0];

      const before = m.deps.guard.passwordChecks;
      const started = Date.now();
      const flood = Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          post({
            username: "admin",
            password: `guess ${i}`,
            headers: { "x-forwarded-for": `198.51.100.${i + 1}` },
          })),
      );
      await new Promise((r) => setTimeout(r, 300));
      // While the name is being guessed: the known browser gets in at once...
      const t0 = Date.now();
      const known = await post({
        username: "admin",
        password: PASSWORD,
        headers: { "x-forwarded-for": "192.0.2.10" },
        cookies: deviceCookie,
      });
      equal(known.status, 303, "the known browser is never slowed down or blocked");
      ok(Date.now() - t0 < 1000, `the known browser waited ${Date.now() - t0} ms`);
      // ...a forged device cookie is worth nothing...
      const forged = await post({
        username: "admin",
        password: PASSWORD,
        headers: { "x-forwarded-for": "192.0.2.11" },
        cookies: deviceCookie.replace(/.$/, (ch) => (ch === "A" ? "B" : "A")),
      });
      equal(forged.status, 429, "a forged cookie waits in the name's queue like anyone");
      match(await forged.text(), /Too many failed logins for this user name/);
      const answers = await flood;
      const counts = await statuses(answers);
      const checks = m.deps.guard.passwordChecks - before - 1;
      const spacedChecks = MAX_NAME_WAIT_MS / 1000 + 1;
      ok(checks <= FREE_ATTEMPTS + spacedChecks, `${checks} checks of the guessed name`);
      ok(Date.now() - started >= (spacedChecks - 1) * 1000 - 100, "the checks were spaced");
      equal(counts.get(422), checks, "each address had one guess, none was blocked by address");
      equal(counts.get(429), 30 - checks);
    } finally {
      await m.close();
    }
  },
);

Deno.test("unknown and known user names take the same time to refuse", opts, async () => {
  const m = await startTestManager({ TRUSTED_PROXIES: "127.0.0.1" });
  try {
    const post = await loginForm(m);
    const timeOf = async (username: string, i: number) => {
      const t0 = performance.now();
      const res = await post({
        username,
        password: "wrong",
        headers: { "x-forwarded-for": `198.51.100.${i}` },
      });
      await res.body?.cancel();
      equal(res.status, 422);
      return performance.now() - t0;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      unknown.push(await timeOf(`nobody${i}`, 2 * i + 1));
      known.push(await timeOf("admin", 2 * i + 2));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const ratio = median(known) / median(unknown);
    ok(
      ratio > 0.5 && ratio < 2,
      `known ${median(known).toFixed(0)} ms, unknown ${median(unknown).toFixed(0)} ms`,
    );
    equal(m.deps.guard.passwordChecks, 8, "unknown users are checked against a dummy hash");
  } finally {
    await m.close();
  }
});

Deno.test(
  "without TRUSTED_PROXIES forwarded headers are ignored: a rotating X-Forwarded-For does not dodge the block",
  opts,
  async () => {
    const m = await startTestManager();
    try {
      const post = await loginForm(m);
      const seen: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await post({
          username: "admin",
          password: `guess ${i}`,
          headers: { "x-forwarded-for": `203.0.113.${i}`, forwarded: `for=203.0.113.${i}` },
        });
        await res.body?.cancel();
        seen.push(res.status);
      }
      equal(seen.filter((s) => s === 429).length, 3);
      // X-Forwarded-Proto from anyone else is not believed either.
      const c = new Client(m.base);
      await c.page("/login");
      const res = await c.fetch("/login", {
        method: "POST",
        headers: { "x-forwarded-proto": "https", "x-forwarded-for": "192.0.2.1" },
        body: new URLSearchParams({
          username: "admin",
          password: PASSWORD,
          _csrf: c.cookies.get("iptv_login_csrf")!,
        }),
      });
      equal(res.status, 429, "the same connecting address is still blocked");
      await res.body?.cancel();
    } finally {
      await m.close();
    }
  },
);

Deno.test(
  "behind a trusted reverse proxy one client's failures do not lock out another",
  opts,
  async () => {
    const m = await startTestManager({ TRUSTED_PROXIES: "127.0.0.1" });
    try {
      const post = await loginForm(m);
      for (let i = 0; i < 7; i++) {
        const res = await post({
          username: "admin",
          password: `guess ${i}`,
          headers: { "x-forwarded-for": "203.0.113.9" },
        });
        await res.body?.cancel();
      }
      const attacker = await post({
        username: "admin",
        password: PASSWORD,
        headers: { "x-forwarded-for": "203.0.113.9" },
      });
      equal(attacker.status, 429);
      await attacker.body?.cancel();
      // A spoofed left part does not help: the proxy appends the address it saw.
      const spoofed = await post({
        username: "admin",
        password: PASSWORD,
        headers: { "x-forwarded-for": "192.0.2.44, 203.0.113.9" },
      });
      equal(spoofed.status, 429);
      await spoofed.body?.cancel();
      const admin = await post({
        username: "admin",
        password: PASSWORD,
        headers: { "x-forwarded-for": "192.0.2.44", "x-forwarded-proto": "https" },
      });
      equal(admin.status, 303, "the admin elsewhere logs in");
      const session = admin.headers.getSetCookie().find((s) => s.startsWith("iptv_session="))!;
      match(session, /Secure/, "https as the trusted proxy reports it");
    } finally {
      await m.close();
    }
  },
);
