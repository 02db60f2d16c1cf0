/**
 * Every admin page in a real chromium: axe-core finds no serious or critical violation at a
 * desktop and a phone width, the forms work by keyboard alone, and the main pages are
 * photographed at both widths into docs/screenshots/ (the README shows them).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  launchChromium,
  logIn,
  screenshotDir,
  waitForNotice,
  watchErrors,
} from "../testing/browser.ts";
import { axeViolations } from "../testing/axe.ts";
import { serveLocal, startTestManager, waitFor } from "../testing/harness.ts";
import { startPacketUpstream, startProxySetup } from "../testing/proxy_setup.ts";

const SHOTS = screenshotDir();
const FREE_TV = new URL("../testdata/m3u/free-tv_playlist_2026-08-22.m3u8", import.meta.url);
const GUIDE = new URL("../testdata/xmltv/freeview-epg_uk-ie_2026-08-22.xml", import.meta.url);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/** Fails with every serious or critical violation axe finds on the page as it is now. */
async function assertAccessible(page: Page, what: string): Promise<void> {
  const all = await axeViolations(page);
  // AXE_ALL=1 lists the minor and moderate findings too, which do not fail a page.
  if (Deno.env.get("AXE_ALL")) {
    console.log(
      what,
      all.map((v) => `${v.impact} ${v.id} ${v.targets.join(",")}`),
    );
  }
  const found = all.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(
    found.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join(", ")})`),
    [],
    `${what} has accessibility violations`,
  );
}

/**
 * Checks a page at both widths; `shot` names its screenshots. Screenshots show the viewport, as
 * someone opening the page sees it.
 */
async function checkPage(page: Page, what: string, shot?: string): Promise<void> {
  for (const [width, size] of [["desktop", DESKTOP], ["phone", PHONE]] as const) {
    await page.setViewportSize(size);
    await assertAccessible(page, `${what} (${width})`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= size.width + 1, `${what} is ${wide}px wide at ${size.width}px`);
    if (shot) await page.screenshot({ path: new URL(`${width}-${shot}.png`, SHOTS).pathname });
  }
  await page.setViewportSize(DESKTOP);
}

/** Presses Tab until the focused element has this accessible label; fails after 40 presses. */
async function tabTo(page: Page, label: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement | null;
      if (!el) return { label: "", outline: "none" };
      const style = getComputedStyle(el);
      return {
        label: el.getAttribute("aria-label") ?? el.labels?.[0]?.textContent?.trim() ??
          el.textContent?.trim() ?? "",
        outline: style.outlineStyle === "none" ? style.boxShadow : style.outlineStyle,
      };
    });
    if (focused.label === label) {
      // A keyboard user sees where the focus is.
      assert.notEqual(focused.outline, "none", `the focus on "${label}" is visible`);
      return;
    }
  }
  throw new Error(`Tab never reached "${label}"`);
}

Deno.test("every admin page passes axe-core and works by keyboard", async (t) => {
  await Deno.mkdir(SHOTS, { recursive: true });
  const up = startPacketUpstream();
  const s = await startProxySetup([
    { name: "Nature HD", url: `${up.base}/ch/1.ts` },
    { name: "News 24", url: `${up.base}/ch/2.ts` },
  ], { maxConnections: 2 });
  const freeTv = await Deno.readFile(FREE_TV);
  const guide = await Deno.readFile(GUIDE);
  const files = serveLocal((req) =>
    new Response(new URL(req.url).pathname.endsWith(".xml") ? guide : freeTv)
  );
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: DESKTOP });
  const errors = watchErrors(page);
  let viewer: Response | null = null;
  try {
    const { call } = s;
    // Data that makes every page show something: a real playlist, a guide, a viewer.
    const tv = await call("POST", "/upstream-playlists", {
      name: "Free TV",
      url: `${files.url}/free-tv.m3u8`,
    });
    const epg = await call("POST", "/epgs", { name: "Freeview", url: `${files.url}/epg.xml` });
    for (const [kind, id] of [["upstream-playlists", tv.body.id], ["epgs", epg.body.id]]) {
      const run = await call("POST", `/${kind}/${id}/import`);
      await waitFor(async () => {
        const last = (await call("GET", `/${kind}/${id}`)).body.lastImport;
        return last?.id === run.body.id && last.status !== "running";
      }, `${kind} import`);
    }
    viewer = await fetch(s.streams.get("Nature HD")!, { headers: { "user-agent": "Kitchen TV" } });
    const session = await waitFor(
      async () => (await call("GET", "/sessions")).body.items[0],
      "a session",
    );
    const channel = (await call("GET", "/channels?q=Nature%20HD")).body.items[0];

    // A fresh manager without a configured password: its first login must change it.
    const fresh = await startTestManager({ ADMIN_PASSWORD: "" });
    const p = await browser.newPage({ viewport: DESKTOP });
    try {
      await t.step("login page (keyboard only)", async () => {
        await p.goto(`${fresh.base}/login`);
        await checkPage(p, "the login page", "login");
        await tabTo(p, "User name");
        await p.keyboard.type("admin");
        await tabTo(p, "Password");
        await p.keyboard.type("password");
        await p.keyboard.press("Enter");
        await p.waitForURL(/\/admin\/account\/password/);
      });
      await t.step("forced password change (keyboard only)", async () => {
        await checkPage(p, "the forced password change");
        await tabTo(p, "Current password");
        await p.keyboard.type("password");
        await tabTo(p, "New password");
        await p.keyboard.type("a much longer password");
        await tabTo(p, "New password again");
        await p.keyboard.type("a much longer password");
        await p.keyboard.press("Enter");
        await waitForNotice(p, "Password changed");
      });
    } finally {
      await p.close();
      await fresh.close();
    }

    await logIn(page, s.m.base);
    const pages: [string, string, string?][] = [
      ["home", "/admin", "home"],
      ["playlists list", "/admin/playlists", "playlists"],
      ["playlist form", "/admin/playlists/new", "playlist-form"],
      ["playlist page", `/admin/playlists/${tv.body.id}`],
      ["groups", "/admin/groups", "groups"],
      ["channels", "/admin/channels", "channels"],
      ["channel page", `/admin/channels/${channel.id}`, "channel"],
      ["guides", "/admin/epgs", "guides"],
      ["guide form", `/admin/epgs/${epg.body.id}`],
      ["downstream list", "/admin/downstream", "downstream"],
      ["downstream form", `/admin/downstream/${s.downstreamId}`, "downstream-form"],
      ["downstream view", `/admin/downstream/${s.downstreamId}/view`],
      ["proxies", "/admin/proxies", "proxies"],
      ["user agents", "/admin/user-agents"],
      ["user agent form", "/admin/user-agents/new"],
      ["account and tokens", "/admin/account"],
      ["icons", "/admin/icons"],
      ["sessions", "/admin/sessions", "sessions"],
      ["session page", `/admin/sessions/${session.id}`],
    ];
    for (const [name, path, shot] of pages) {
      await t.step(name, async () => {
        const res = await page.goto(`${s.m.base}${path}`);
        assert.equal(res?.status(), 200, path);
        // Islands hydrate before the page is judged: they render what a user sees.
        await page.waitForFunction(() =>
          [...document.querySelectorAll("[data-island]")].every((el) =>
            (el as HTMLElement).dataset.hydrated === "true"
          )
        );
        await checkPage(page, name, shot);
      });
    }

    await t.step("axe reports what it should (a field without a label)", async () => {
      // Proves the checks above ran: the same page with an unlabelled field fails.
      await page.evaluate(() =>
        document.querySelector("main")!.append(document.createElement("input"))
      );
      const ids = (await axeViolations(page)).map((v) => `${v.impact} ${v.id}`);
      assert.ok(ids.includes("critical label"), ids.join(", "));
    });

    await t.step("a user agent form works by keyboard alone", async () => {
      await page.goto(`${s.m.base}/admin/user-agents/new`);
      await tabTo(page, "Name");
      await page.keyboard.type("Kodi");
      await tabTo(page, "User agent string");
      await page.keyboard.type("Kodi/21.0");
      await page.keyboard.press("Enter");
      await waitForNotice(page, /saved/);
    });
    await t.step("a new API token by keyboard, shown with its Copy button", async () => {
      await page.goto(`${s.m.base}/admin/account`);
      await tabTo(page, "Token name");
      await page.keyboard.type("Home Assistant");
      await page.keyboard.press("Enter");
      await page.getByTestId("new-token").waitFor();
      await page.locator("[data-island='CopyButton'][data-hydrated='true']").waitFor();
      await checkPage(page, "the account page with a new token");
    });
    assert.deepEqual(errors, []);
  } finally {
    await viewer?.body?.cancel().catch(() => {});
    await browser.close();
    await files.close();
    await s.close();
    await up.close();
  }
});
