/** Test helpers: a real manager on 127.0.0.1 port 0 with a real KV, and a cookie-keeping client. */
import { type Config, loadConfig } from "../common/config.ts";
import { type RunningManager, startManager } from "../manager/server.ts";

/** A configuration for tests: loopback, free ports, a fresh DATA_DIR. */
export async function testConfig(env: Record<string, string> = {}): Promise<Config> {
  const dataDir = await Deno.makeTempDir({ prefix: "iptv-test-" });
  return loadConfig({
    DATA_DIR: dataDir,
    SOCKET_ADDRESS: "127.0.0.1",
    INTERNAL_MANAGEMENT_PORT: "0",
    INTERNAL_PROXY_PORT: "0",
    ADMIN_PASSWORD: "correct horse battery",
    PLAYLIST_TIMEOUT: "5",
    LOG_LEVEL: "warning",
    // Real playlists name real logo hosts: tests never contact them (icon tests turn it on).
    ICON_CACHE: "false",
    // Every upstream of a test is a server on 127.0.0.1, named here explicitly; the refusal of
    // internal addresses is proved in common/net/outbound_test.ts and security_outbound_test.ts.
    ALLOWED_PRIVATE_HOSTS: "127.0.0.1",
    ...env,
  });
}

/** A manager under test. */
export interface TestManager extends RunningManager {
  kv: Deno.Kv;
  config: Config;
  base: string;
  close(): Promise<void>;
}

/** Starts a manager with a KV file in a temp DATA_DIR. */
export async function startTestManager(env: Record<string, string> = {}): Promise<TestManager> {
  const config = await testConfig(env);
  // The file a manager started on the same DATA_DIR opens too (see common/db/open_kv.ts).
  const kv = await Deno.openKv(`${config.dataDir}/iptv.kv`);
  const m = await startManager(kv, config, { scheduler: false, quiet: true });
  return {
    ...m,
    kv,
    config,
    base: `http://127.0.0.1:${m.port}`,
    async close() {
      await m.shutdown();
      kv.close();
      await Deno.remove(config.dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** A tiny browser: keeps cookies, does not follow redirects, knows the page's CSRF token. */
export class Client {
  cookies = new Map<string, string>();
  csrf = "";
  constructor(readonly base: string) {}

  /** Sends a request with the stored cookies and stores the ones set. */
  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    }
    const res = await fetch(this.base + path, { ...init, headers, redirect: "manual" });
    for (const sc of res.headers.getSetCookie()) {
      const [pair, ...attrs] = sc.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a)) || value === "";
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** GETs a page and remembers its CSRF token. */
  async page(path: string): Promise<{ res: Response; html: string }> {
    const res = await this.fetch(path);
    const html = await res.text();
    const m = /name="_csrf" value="([^"]*)"/.exec(html);
    if (m && m[1]) this.csrf = m[1];
    return { res, html };
  }

  /** POSTs a form (with the CSRF token unless told otherwise). */
  postForm(path: string, fields: Record<string, string>, csrf = true): Promise<Response> {
    const body = new URLSearchParams(fields);
    if (csrf && !body.has("_csrf")) body.set("_csrf", this.csrf);
    return this.fetch(path, { method: "POST", body });
  }

  /** Logs in through the form; returns the final response of the POST. */
  async login(username: string, password: string): Promise<Response> {
    await this.page("/login");
    const res = await this.postForm("/login", { username, password, next: "/admin" });
    await res.body?.cancel();
    if (res.status === 303) await this.page("/admin/account");
    return res;
  }
}

/** A real HTTP server on 127.0.0.1 port 0, for upstreams in tests. */
export function serveLocal(
  handler: (req: Request) => Response | Promise<Response>,
): { url: string; close(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

/** Waits until `check` returns a value or the time runs out. */
export async function waitFor<T>(
  check: () => Promise<T | null | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** `Authorization` header of the test admin (HTTP Basic). */
export const ADMIN_AUTH = { authorization: "Basic " + btoa("admin:correct horse battery") };

/** An answer of the JSON API: status and parsed body (text when it is not JSON). */
export interface ApiAnswer {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Calls the manager's JSON API as the test admin. */
export function apiClient(m: { base: string }) {
  return async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const res = await fetch(`${m.base}/api/v1${path}`, {
      method,
      headers: { ...ADMIN_AUTH, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: text ? JSON.parse(text) : null };
    } catch {
      return { status: res.status, body: text };
    }
  };
}
