/**
 * The Play button of the channel page in a real chromium: a live MPEG-TS channel (ffmpeg on
 * 127.0.0.1) plays through the streaming proxy, on a page whose CSP lets the player fetch from
 * that proxy and no other origin; a channel in no downstream playlist says why it cannot play.
 */
import assert from "node:assert/strict";
import { launchChromium, logIn } from "../testing/browser.ts";
import { waitFor } from "../testing/harness.ts";
import { startLiveTs } from "../testing/live_ts.ts";
import { startProxySetup } from "../testing/proxy_setup.ts";

Deno.test("the channel page plays a live MPEG-TS channel through the proxy", async () => {
  const live = await startLiveTs();
  const s = await startProxySetup([{ name: "Test Card", url: live.url }]);
  const browser = await launchChromium();
  try {
    const { call } = s;
    // The registered proxy names the default external address: point it where it listens, as
    // an admin does on the proxies page.
    const proxy = (await call("GET", "/proxies")).body.items[0];
    const moved = await call("PUT", `/proxies/${proxy.id}`, {
      name: proxy.name,
      internalUrl: proxy.internalUrl,
      internalPort: proxy.internalPort,
      externalUrl: "http://127.0.0.1",
      externalPort: s.proxy.port,
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const channel = (await call("GET", "/channels?q=Test%20Card")).body.items[0];

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const blocked: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
    });
    const scripts: string[] = [];
    page.on("request", (r) => {
      if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
    });
    await logIn(page, s.m.base);
    scripts.length = 0;
    const res = await page.goto(`${s.m.base}/admin/channels/${channel.id}`);
    const csp = res?.headers()["content-security-policy"] ?? "";
    assert.match(csp, new RegExp(`connect-src 'self' http://127\\.0\\.0\\.1:${s.proxy.port};`));
    assert.match(csp, /media-src 'self' blob:/);
    assert.doesNotMatch(csp, /worker-src|\*/);
    await page.locator("[data-island='PlayButton'][data-hydrated='true']").waitFor();
    // The players are not loaded until Play is pressed.
    assert.ok(scripts.includes("/static/islands.js"));
    assert.deepEqual(scripts.filter((p) => /hls|mpegts/.test(p)), []);

    await page.getByRole("button", { name: "Play" }).click();
    const video = page.getByTestId("player");
    await page.getByRole("status").filter({ hasText: "Playing through the proxy" }).waitFor();
    const start = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await waitFor(
      () => video.evaluate((v: HTMLVideoElement, t) => v.currentTime > t + 1.5, start),
      "the video's currentTime to advance",
      15_000,
    );
    assert.ok(
      await video.evaluate((v: HTMLVideoElement) => v.videoWidth === 640 && v.videoHeight === 360),
      "the picture is the test card's 640x360",
    );
    assert.ok(scripts.some((p) => /^\/static\/mpegts-[A-Za-z0-9]+\.js$/.test(p)), "mpegts chunk");
    // The proxy counts the browser as a viewer, like any other client.
    const sessions = (await call("GET", "/sessions")).body.items;
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].channelName, "Test Card");

    // Stop ends the stream: the upstream's ffmpeg is gone soon after.
    await page.getByRole("button", { name: "Stop" }).click();
    await waitFor(async () => (await live.status()).active === 0, "the upstream to be released");
    assert.deepEqual(errors, []);
    assert.deepEqual(blocked, []);
    await page.close();
  } finally {
    await browser.close();
    await s.close();
    await live.close();
  }
});

Deno.test("a channel in no downstream playlist says it cannot be played", async () => {
  const live = await startLiveTs();
  const s = await startProxySetup([{ name: "Test Card", url: live.url }]);
  const browser = await launchChromium();
  try {
    const { call } = s;
    const current = (await call("GET", `/downstream-playlists/${s.downstreamId}`)).body;
    const off = await call("PUT", `/downstream-playlists/${s.downstreamId}`, {
      name: current.name,
      proxyId: current.proxyId,
      groups: current.groups,
      enabled: false,
    });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    const channel = (await call("GET", "/channels?q=Test%20Card")).body.items[0];
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(10_000);
    await logIn(page, s.m.base);
    const res = await page.goto(`${s.m.base}/admin/channels/${channel.id}`);
    assert.doesNotMatch(res?.headers()["content-security-policy"] ?? "", /media-src/);
    assert.match(
      await page.getByTestId("play").innerText(),
      /in no enabled downstream playlist that streams through a proxy/,
    );
    assert.equal(await page.getByRole("button", { name: "Play" }).count(), 0);
  } finally {
    await browser.close();
    await s.close();
    await live.close();
  }
});
