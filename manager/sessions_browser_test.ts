/** The sessions pages in a real chromium: a live stream appears, Drop ends it without a reload. */
import assert from "node:assert/strict";
import { countDocumentLoads, launchChromium, logIn, watchErrors } from "../testing/browser.ts";
import { waitFor } from "../testing/harness.ts";
import { startPacketUpstream, startProxySetup } from "../testing/proxy_setup.ts";

const SHOTS = "/tmp/shots";

Deno.test("an admin sees who watches and drops a viewer from the sessions page", async () => {
  const up = startPacketUpstream();
  const s = await startProxySetup([
    { name: "Nature HD", url: `${up.base}/ch/1.ts` },
    { name: "News 24", url: `${up.base}/ch/2.ts` },
  ], { maxConnections: 2 });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const viewer = await fetch(s.streams.get("Nature HD")!, {
    headers: { "user-agent": "Kitchen TV" },
  });
  const reader = viewer.body!.getReader();
  let ended = false;
  const reading = (async () => {
    try {
      while (!(await reader.read()).done) { /* watching */ }
    } catch { /* cut */ }
    ended = true;
  })();
  try {
    const errors = watchErrors(page);
    const documents = countDocumentLoads(page);
    await logIn(page, s.m.base);
    // The overview: who watches, the source and its last run, the playlist's URLs, the proxy.
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByRole("cell", { name: "Nature HD" }).waitFor();
    assert.match(await page.locator("tr[data-source='Provider']").innerText(), /ok/);
    assert.ok(
      (await page.getByLabel("Living room playlist URL").inputValue()).includes("/manager/get/"),
    );
    assert.match(await page.locator("li", { hasText: "IPTV-Proxy" }).innerText(), /online/);
    await Deno.mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true });
    await page.getByRole("navigation").getByRole("link", { name: "Sessions" }).click();
    await page.waitForSelector("[data-island='SessionTable'][data-hydrated='true']");
    await page.getByRole("cell", { name: "Nature HD" }).waitFor();
    assert.match(await page.getByTestId("session-count").innerText(), /1 watching now/);
    // A second viewer shows up without a page load.
    const loads = documents();
    const second = await fetch(s.streams.get("News 24")!, { headers: { "user-agent": "Den TV" } });
    await page.getByRole("cell", { name: "News 24" }).waitFor();
    assert.equal(documents(), loads);
    await Deno.mkdir(SHOTS, { recursive: true });
    await page.screenshot({ path: `${SHOTS}/sessions.png`, fullPage: true });
    // Drop the first one: its stream ends and its row goes, still without a page load.
    await page.locator("tr", { hasText: "Nature HD" }).getByRole("button", { name: "Drop" })
      .click();
    await waitFor(() => Promise.resolve(ended), "the dropped stream to end", 5_000);
    await page.locator("tr", { hasText: "Nature HD" }).waitFor({ state: "detached" });
    assert.equal(documents(), loads);
    // The session page of the other one, and its Drop button.
    await page.getByRole("link", { name: "News 24" }).click();
    await page.waitForSelector("[data-island='SessionDetail'][data-hydrated='true']");
    assert.equal(await page.getByTestId("session-state").innerText(), "watching");
    await page.getByRole("button", { name: "Drop this session" }).click();
    await page.getByTestId("session-state").filter({ hasText: "dropped by an admin" }).waitFor();
    // Both pages fit a phone's width: no sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    for (
      const [path, shot] of [["/admin", "phone-overview"], ["/admin/sessions", "phone-sessions"]]
    ) {
      await page.goto(`${s.m.base}${path}`);
      await page.screenshot({ path: `${SHOTS}/${shot}.png`, fullPage: true });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 391, `${path} is ${wide}px wide on a 390px phone`);
    }
    await second.body?.cancel();
    assert.deepEqual(errors, []);
  } finally {
    await reader.cancel().catch(() => undefined);
    await reading;
    await browser.close();
    await s.close();
    await up.close();
  }
});
