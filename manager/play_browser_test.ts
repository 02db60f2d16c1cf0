/**
 * The Play button of the channel page in a real chromium: live MPEG-TS and HLS channels (ffmpeg
 * on 127.0.0.1) play through the streaming proxy, on a page whose CSP lets the player fetch from
 * that proxy and no other origin; a channel in no downstream playlist says why it cannot play.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { seriousViolations } from "../testing/axe.ts";
import { launchChromium, logIn, screenshotDir } from "../testing/browser.ts";
import { waitFor } from "../testing/harness.ts";
import { startLiveHls } from "../testing/live_hls.ts";
import { startLiveTs } from "../testing/live_ts.ts";
import { type ProxySetup, startPacketUpstream, startProxySetup } from "../testing/proxy_setup.ts";

/** Where the browser tests keep their screenshots (the README shows them). */
const SHOTS = screenshotDir();

/** A manager and proxy whose playlist has one channel, "Test Card", streamed from `url`. */
async function withChannel(
  url: string,
  run: (s: ProxySetup, channelId: string) => Promise<void>,
): Promise<void> {
  const s = await startProxySetup([{ name: "Test Card", url }]);
  try {
    // The registered proxy names the default external address: point it where it listens, as
    // an admin does on the proxies page.
    const proxy = (await s.call("GET", "/proxies")).body.items[0];
    const moved = await s.call("PUT", `/proxies/${proxy.id}`, {
      name: proxy.name,
      internalUrl: proxy.internalUrl,
      internalPort: proxy.internalPort,
      externalUrl: "http://127.0.0.1",
      externalPort: s.proxy.port,
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const channel = (await s.call("GET", "/channels?q=Test%20Card")).body.items[0];
    await run(s, channel.id);
  } finally {
    await s.close();
  }
}

/** Presses Play and waits until the video plays on for more than 1.5 s. */
async function playsOn(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Play" }).click();
  await page.getByTestId("play-status").filter({ hasText: "Playing through the proxy" }).waitFor();
  const video = page.getByTestId("player");
  const start = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await waitFor(
    () => video.evaluate((v: HTMLVideoElement, t) => v.currentTime > t + 1.5, start),
    "the video's currentTime to advance",
    15_000,
  );
  assert.ok(
    await video.evaluate((v: HTMLVideoElement) => v.videoWidth > 0 && v.videoHeight > 0),
    "the video has a picture",
  );
}

/** A page that records page errors, CSP refusals and the scripts it loads. */
function watched(page: Page) {
  const seen = { errors: [] as string[], blocked: [] as string[], scripts: [] as string[] };
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (e) => seen.errors.push(e.message));
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.blocked.push(m.text());
  });
  page.on("request", (r) => {
    if (r.resourceType() === "script") seen.scripts.push(new URL(r.url()).pathname);
  });
  return seen;
}

Deno.test("the channel page plays a live MPEG-TS channel through the proxy", async () => {
  const live = await startLiveTs();
  const browser = await launchChromium();
  try {
    await withChannel(live.url, async (s, channelId) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const seen = watched(page);
      await logIn(page, s.m.base);
      seen.scripts.length = 0;
      const res = await page.goto(`${s.m.base}/admin/channels/${channelId}`);
      const csp = res?.headers()["content-security-policy"] ?? "";
      assert.match(csp, new RegExp(`connect-src 'self' http://127\\.0\\.0\\.1:${s.proxy.port};`));
      assert.match(csp, /media-src 'self' blob:/);
      assert.doesNotMatch(csp, /worker-src|\*/);
      await page.locator("[data-island='PlayButton'][data-hydrated='true']").waitFor();
      // The players are not loaded until Play is pressed.
      assert.ok(seen.scripts.includes("/static/islands.js"));
      assert.deepEqual(seen.scripts.filter((p) => /hls|mpegts/.test(p)), []);

      await playsOn(page);
      assert.deepEqual(
        await page.getByTestId("player").evaluate((v: HTMLVideoElement) => [
          v.videoWidth,
          v.videoHeight,
        ]),
        [640, 360],
      );
      assert.ok(seen.scripts.some((p) => /^\/static\/mpegts-[A-Za-z0-9]+\.js$/.test(p)));
      // The proxy counts the browser as a viewer, like any other client.
      const sessions = (await s.call("GET", "/sessions")).body.items;
      assert.deepEqual(sessions.map((x: { channelName: string }) => x.channelName), [
        "Test Card",
      ]);
      // The page with its player showing is as accessible as without.
      assert.deepEqual(await seriousViolations(page), []);
      await page.getByTestId("play").scrollIntoViewIfNeeded();
      await page.screenshot({ path: new URL("desktop-play.png", SHOTS).pathname });

      // Stop ends the stream: the upstream's ffmpeg is gone soon after.
      await page.getByRole("button", { name: "Stop" }).click();
      await waitFor(async () => (await live.status()).active === 0, "the upstream to be released");
      assert.deepEqual(seen.errors, []);
      assert.deepEqual(seen.blocked, []);
      await page.close();
    });
  } finally {
    await browser.close();
    await live.close();
  }
});

Deno.test("the channel page plays a live HLS channel through the proxy", async () => {
  const live = await startLiveHls();
  const browser = await launchChromium();
  try {
    await withChannel(live.url, async (s, channelId) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const seen = watched(page);
      await logIn(page, s.m.base);
      await page.goto(`${s.m.base}/admin/channels/${channelId}`);
      await page.locator("[data-island='PlayButton'][data-hydrated='true']").waitFor();
      await playsOn(page);
      assert.ok(seen.scripts.some((p) => /^\/static\/hls-[A-Za-z0-9]+\.js$/.test(p)));
      // Every playlist and segment came through the proxy: the upstream saw only its requests.
      assert.ok([...live.requests.keys()].some((p) => p.endsWith(".ts")), "segments fetched");
      await page.getByRole("button", { name: "Stop" }).click();

      // The downstream editor's preview plays a channel in a tab of its own (the form stays).
      await page.goto(`${s.m.base}/admin/downstream/${s.downstreamId}`);
      const link = page.getByTestId("preview").locator("tr", { hasText: "Test Card" })
        .getByTestId("preview-play");
      const [tab] = await Promise.all([page.waitForEvent("popup"), link.click()]);
      const tabSeen = watched(tab);
      await tab.getByTestId("play-status").filter({ hasText: "Playing through the proxy" })
        .waitFor();
      const video = tab.getByTestId("player");
      const start = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
      await waitFor(
        () => video.evaluate((v: HTMLVideoElement, t) => v.currentTime > t + 1.5, start),
        "the preview's channel to play on",
        15_000,
      );
      await tab.close();
      assert.deepEqual([...seen.errors, ...tabSeen.errors], []);
      assert.deepEqual([...seen.blocked, ...tabSeen.blocked], []);
      await page.close();
    });
  } finally {
    await browser.close();
    await live.close();
  }
});

Deno.test("a channel whose upstream fails says so instead of loading for ever", async () => {
  const up = startPacketUpstream();
  const browser = await launchChromium();
  try {
    await withChannel(`${up.base}/status/404`, async (s, channelId) => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const seen = watched(page);
      await logIn(page, s.m.base);
      await page.goto(`${s.m.base}/admin/channels/${channelId}`);
      await page.locator("[data-island='PlayButton'][data-hydrated='true']").waitFor();
      await page.getByRole("button", { name: "Play" }).click();
      // The proxy answers 502 for an upstream's 404; the player says so and offers Play again.
      await page.getByTestId("play-status").filter({ hasText: "Cannot play this channel" })
        .waitFor();
      assert.match(await page.getByTestId("play-status").innerText(), /HTTP 502/);
      await page.getByRole("button", { name: "Play" }).waitFor();
      assert.deepEqual(seen.errors, []);
      await page.close();
    });
  } finally {
    await browser.close();
    await up.close();
  }
});

Deno.test("a channel in no enabled downstream playlist says it cannot be played", async () => {
  const live = await startLiveTs();
  const browser = await launchChromium();
  try {
    await withChannel(live.url, async (s, channelId) => {
      const current = (await s.call("GET", `/downstream-playlists/${s.downstreamId}`)).body;
      const off = await s.call("PUT", `/downstream-playlists/${s.downstreamId}`, {
        name: current.name,
        proxyId: current.proxyId,
        groups: current.groups,
        enabled: false,
      });
      assert.equal(off.status, 200, JSON.stringify(off.body));
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.setDefaultTimeout(10_000);
      await logIn(page, s.m.base);
      const res = await page.goto(`${s.m.base}/admin/channels/${channelId}`);
      assert.doesNotMatch(res?.headers()["content-security-policy"] ?? "", /media-src/);
      assert.match(
        await page.getByTestId("play").innerText(),
        /in no enabled downstream playlist that streams through a proxy/,
      );
      assert.equal(await page.getByRole("button", { name: "Play" }).count(), 0);
      await page.close();
    });
  } finally {
    await browser.close();
    await live.close();
  }
});
