/**
 * Attacks on the pages: framing, injected inline scripts and phishing text through `?flash=`.
 * Every HTML page carries a Content-Security-Policy that allows no inline script, and notices
 * travel in a cookie; in a real browser the islands still hydrate with no CSP violation.
 */
import { equal, match, ok } from "node:assert/strict";
import { launchChromium, logIn, waitForNotice } from "../testing/browser.ts";
import { apiClient, Client, serveLocal, startTestManager, waitFor } from "../testing/harness.ts";
import { contentSecurityPolicy } from "./app.ts";

const opts = {};
const PLAYLIST = await Deno.readFile(
  new URL("../testdata/m3u/kodinerds_kodi.m3u", import.meta.url),
);
const GUIDE = await Deno.readFile(
  new URL("../testdata/xmltv/freeview-epg_uk-ie_2026-08-22.xml", import.meta.url),
);
const PAGES = [
  "/admin/playlists",
  "/admin/playlists/new",
  "/admin/groups",
  "/admin/channels",
  "/admin/epgs",
  "/admin/icons",
  "/admin/proxies",
  "/admin/downstream",
  "/admin/user-agents",
  "/admin/account",
  "/admin/account/password",
];

/** Checks the headers of a page of a test manager (ICON_CACHE=false: external logos allowed). */
function checkPageHeaders(res: Response, path: string, externalImages = true): void {
  const csp = res.headers.get("content-security-policy") ?? "";
  equal(csp, contentSecurityPolicy({ externalImages }), path);
  const script = /script-src ([^;]*)/.exec(csp)![1];
  ok(!script.includes("unsafe-inline") && !script.includes("unsafe-eval"), `${path}: ${script}`);
  match(csp, /frame-ancestors 'none'/);
  equal(res.headers.get("x-frame-options"), "DENY", path);
  equal(res.headers.get("x-content-type-options"), "nosniff", path);
  equal(res.headers.get("referrer-policy"), "same-origin", path);
  equal(res.headers.get("cache-control"), "no-store", path);
}

Deno.test("every HTML page carries the CSP and the framing and caching headers", opts, async () => {
  const m = await startTestManager();
  try {
    const c = new Client(m.base);
    const login = await c.fetch("/login");
    checkPageHeaders(login, "/login");
    const html = await login.text();
    ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), "no inline script on the login page");
    ok(!/\son[a-z]+=/i.test(html), "no inline event handler");
    await c.login("admin", "correct horse battery");
    for (const path of PAGES) {
      const res = await c.fetch(path);
      equal(res.status, 200, path);
      checkPageHeaders(res, path);
      const page = await res.text();
      // Islands' props are JSON data blocks (type="application/json"), which no browser runs.
      ok(
        !/<script(?![^>]*\b(?:src=|type="application\/json"))[^>]*>/i.test(page),
        `${path}: no inline script`,
      );
      for (const m of page.matchAll(/<script type="application\/json"[^>]*>([^<]*)<\/script>/g)) {
        JSON.parse(m[1]);
      }
      ok(!/\son[a-z]+=/i.test(page), `${path}: no inline event handler`);
    }
    equal(contentSecurityPolicy({ externalImages: false }).includes("http:"), false);
  } finally {
    await m.close();
  }
});

Deno.test(
  "with ICON_CACHE=false the CSP lets pages show logos from their hosts",
  opts,
  async () => {
    const m = await startTestManager({ ICON_CACHE: "false" });
    const n = await startTestManager({ ICON_CACHE: "true" });
    try {
      const off = await fetch(`${m.base}/login`);
      await off.body?.cancel();
      match(off.headers.get("content-security-policy")!, /img-src 'self' data: http: https:/);
      const on = await fetch(`${n.base}/login`);
      await on.body?.cancel();
      match(on.headers.get("content-security-policy")!, /img-src 'self' data:;/);
    } finally {
      await m.close();
      await n.close();
    }
  },
);

Deno.test("?flash= in a link shows nothing on the login page or any admin page", opts, async () => {
  const m = await startTestManager();
  try {
    const bait = "Your session expired: call +1 555 0100 to unlock your account";
    const c = new Client(m.base);
    const { html: login } = await c.page(`/login?flash=${encodeURIComponent(bait)}`);
    ok(!login.includes("call +1 555"), "the login page shows no text from the URL");
    await c.login("admin", "correct horse battery");
    for (const path of PAGES) {
      const { html } = await c.page(`${path}?flash=${encodeURIComponent(bait)}`);
      ok(!html.includes("call +1 555"), `${path} shows no text from the URL`);
    }
  } finally {
    await m.close();
  }
});

Deno.test("a notice after a redirect travels in a cookie and is shown once", opts, async () => {
  const m = await startTestManager();
  try {
    const c = new Client(m.base);
    await c.login("admin", "correct horse battery");
    await c.page("/admin/user-agents/new");
    const res = await c.postForm("/admin/user-agents", { name: "Kodi", userAgent: "Kodi/21" });
    equal(res.status, 303);
    equal(res.headers.get("location"), "/admin/user-agents", "no text in the URL");
    const cookie = res.headers.getSetCookie().find((s) => s.startsWith("iptv_notice="))!;
    match(cookie, /HttpOnly/);
    match(cookie, /Max-Age=60/);
    const { html } = await c.page("/admin/user-agents");
    match(html, /<div class="flash" role="status">User agent saved<\/div>/);
    const { html: again } = await c.page("/admin/user-agents");
    ok(!again.includes('class="flash"'), "shown once");
  } finally {
    await m.close();
  }
});

Deno.test(
  "in a real browser islands hydrate under the CSP and no violation is reported, while an injected inline script is blocked",
  opts,
  async () => {
    const up = serveLocal((req) =>
      new Response(new URL(req.url).pathname.endsWith(".xml") ? GUIDE : PLAYLIST)
    );
    const m = await startTestManager();
    const api = apiClient(m);
    const browser = await launchChromium();
    try {
      const p = await api("POST", "/upstream-playlists", { name: "Kodi", url: `${up.url}/k.m3u` });
      equal(p.status, 201);
      equal((await api("POST", `/upstream-playlists/${p.body.id}/import`)).status, 202);
      const g = await api("POST", "/epgs", { name: "Freeview", url: `${up.url}/g.xml` });
      equal(g.status, 201);
      await waitFor(
        async () =>
          (await api("GET", `/upstream-playlists/${p.body.id}`)).body.lastImport?.status === "ok",
        "the import",
      );
      const page = await browser.newPage();
      page.setDefaultTimeout(10_000);
      const violations: string[] = [];
      page.on("console", (msg) => {
        if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
      });
      page.on("pageerror", (e) => violations.push(`page error: ${e.message}`));
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          const w = globalThis as unknown as { __csp?: string[] };
          (w.__csp ??= []).push(`${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      const reported = () =>
        page.evaluate(() => (globalThis as unknown as { __csp?: string[] }).__csp ?? []);
      await logIn(page, m.base);
      for (
        const [path, island] of [
          ["/admin/playlists", "ImportProgress"],
          ["/admin/channels", "ChannelTable"],
          ["/admin/epgs", "GuideImportProgress"],
        ]
      ) {
        await page.goto(`${m.base}${path}`);
        await page.locator(`[data-island="${island}"][data-hydrated="true"]`).first().waitFor();
        const all = await page.locator("[data-island]").count();
        equal(await page.locator('[data-island][data-hydrated="true"]').count(), all, path);
        equal((await reported()).length, 0, `${path}: ${await reported()}`);
      }
      // The channel table is live: typing filters without a page load (its fetch is allowed).
      await page.goto(`${m.base}/admin/channels`);
      await page.locator('[data-island="ChannelTable"][data-hydrated="true"]').waitFor();
      await page.getByRole("searchbox").first().fill("zzzz-no-such-channel");
      await page.getByText("No channels match").waitFor();
      // A notice after a form: a cookie, not the URL.
      await page.goto(`${m.base}/admin/user-agents/new`);
      await page.getByLabel("Name", { exact: true }).fill("VLC");
      await page.getByLabel("User agent string", { exact: true }).fill("VLC/3.0");
      await page.getByRole("button", { name: "Save" }).click();
      await waitForNotice(page, "User agent saved");
      ok(!page.url().includes("flash"), page.url());
      equal(violations.length, 0, violations.join("\n"));
      equal((await reported()).length, 0);
      // The policy holds: an injected inline handler does not run and is reported.
      await page.evaluate(() => {
        document.body.insertAdjacentHTML(
          "beforeend",
          '<img src="data:," onerror="document.title=\'pwned\'">',
        );
      });
      await waitFor(async () => (await reported()).length > 0, "the violation report", 5000);
      ok((await page.title()) !== "pwned", "the inline handler did not run");
      match((await reported())[0], /script-src/);
    } finally {
      await browser.close();
      await m.close();
      await up.close();
    }
  },
);
