/** The manager's pages and islands in a real chromium, used the way an admin uses them. */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  countDocumentLoads,
  launchChromium,
  logIn,
  waitForNotice,
  watchErrors,
} from "../testing/browser.ts";
import { serveLocal, startTestManager, waitFor } from "../testing/harness.ts";

const PLAYLIST = new URL("../testdata/m3u/free-tv_playlist_2026-08-22.m3u8", import.meta.url);
const SHOTS = "/tmp/shots";
/** Serves bytes slowly (in ten slices) so the import is seen running before it ends. */
function slowBody(bytes: Uint8Array): ReadableStream<Uint8Array> {
  const step = Math.ceil(bytes.length / 10);
  let at = 0;
  return new ReadableStream({
    async pull(ctl) {
      if (at >= bytes.length) return ctl.close();
      await new Promise((r) => setTimeout(r, 150));
      ctl.enqueue(bytes.subarray(at, at + step));
      at += step;
    },
  });
}

/** Counts full page loads (document requests) of a page. */
async function markWindow(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { __same: boolean }).__same = true);
}

async function sameWindow(page: Page): Promise<boolean> {
  return await page.evaluate(() => (globalThis as unknown as { __same?: boolean }).__same === true);
}

async function countText(page: Page): Promise<string> {
  return (await page.getByTestId("channel-count").textContent() ?? "").trim();
}

/** The total N of "a–b of N channels" (0 for "No channels match"). */
function totalOf(text: string): number {
  const m = / of (\d+) channels/.exec(text);
  return m ? Number(m[1]) : 0;
}

async function noHorizontalOverflow(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: innerWidth,
  }));
  assert.ok(scroll <= inner + 1, `${page.url()} overflows: scrollWidth ${scroll} > ${inner}`);
}

async function navFits(page: Page): Promise<void> {
  const nav = page.locator("header nav");
  assert.ok(await nav.isVisible(), "the navigation is visible");
  const width = page.viewportSize()?.width ?? 0;
  const rights = await nav.locator("a").evaluateAll((as) =>
    as.map((a) => a.getBoundingClientRect().right)
  );
  assert.ok(rights.length > 0 && rights.every((r) => r <= width + 1), "nav links fit the width");
}

Deno.test(
  "an admin imports a playlist and curates its channels in a real browser",
  {},
  async () => {
    await Deno.mkdir(SHOTS, { recursive: true });
    const bytes = await Deno.readFile(PLAYLIST);
    const entries = new TextDecoder().decode(bytes).split("\n")
      .filter((l) => l.startsWith("#EXTINF")).length;
    const upstream = serveLocal(() =>
      new Response(slowBody(bytes), {
        headers: {
          "content-type": "audio/x-mpegurl",
          "content-length": String(bytes.length),
        },
      })
    );
    const manager = await startTestManager();
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const errors = watchErrors(page);
      const documentLoads = countDocumentLoads(page);

      // Log in through the form.
      await logIn(page, manager.base);
      // A new user lands on the overview, which points at adding a first source.
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await page.getByRole("navigation").getByRole("link", { name: "Playlists" }).click();
      await page.waitForURL(/\/admin\/playlists/);

      // Add the playlist.
      await page.getByRole("link", { name: "Add playlist" }).click();
      await page.getByLabel("Name", { exact: true }).fill("Free TV");
      await page.getByLabel("URL", { exact: true }).fill(`${upstream.url}/playlist.m3u8`);
      await page.getByRole("button", { name: "Save" }).click();
      await waitForNotice(page, "Playlist saved");
      const row = page.locator('tr[data-playlist="Free TV"]');

      // Saving a new playlist imports it at once: watch the island go from running to ok
      // without a page load.
      const badge = row.locator(".import-progress .badge");
      assert.equal((await badge.textContent())?.trim(), "running");
      await page.locator('[data-island="ImportProgress"][data-hydrated="true"]').waitFor();
      await markWindow(page);
      const loadsBefore = documentLoads();
      await page.screenshot({ path: `${SHOTS}/desktop-import-running.png` });
      await waitFor(async () => (await badge.textContent())?.trim() === "ok", "import ok", 15_000);
      assert.ok(await sameWindow(page), "the import status changed without a reload");
      assert.equal(documentLoads(), loadsBefore);
      await waitFor(
        async () =>
          (await row.getByTestId("playlist-channels").innerText()) === `${entries} channels`,
        "the channel count of the finished import",
      );
      await page.screenshot({ path: `${SHOTS}/desktop-playlists.png`, fullPage: true });

      // The channel list counts every entry.
      await page.getByRole("navigation").getByRole("link", { name: "Channels" }).click();
      await page.waitForURL(/\/admin\/channels/);
      await page.locator('[data-island="ChannelTable"][data-hydrated="true"]').waitFor();
      assert.equal(await countText(page), `1–50 of ${entries} channels`);

      // Search filters the table live, keeps the URL in step, loads no page.
      await markWindow(page);
      const loadsAtSearch = documentLoads();
      await page.getByRole("searchbox", { name: "Search" }).pressSequentially("bbc", {
        delay: 30,
      });
      await page.waitForURL(/[?&]q=bbc/);
      await waitFor(async () => totalOf(await countText(page)) < entries, "a smaller count");
      const found = totalOf(await countText(page));
      assert.ok(found > 0, "some channels match bbc");
      const texts = await page.locator("tbody tr").allInnerTexts();
      assert.equal(texts.length, Math.min(found, 50));
      for (const t of texts) assert.match(t, /bbc/i);
      assert.ok(await sameWindow(page), "searching loaded no page");
      assert.equal(documentLoads(), loadsAtSearch);

      // Pick a group: only its channels remain.
      await page.getByRole("searchbox", { name: "Search" }).fill("");
      await waitFor(async () => totalOf(await countText(page)) === entries, "the full list");
      const group = page.getByRole("combobox", { name: "Group" });
      const option = group.locator("option", { hasText: /^Germany$/ });
      const groupId = await option.getAttribute("value");
      assert.ok(groupId, "the Germany group is offered");
      await group.selectOption(groupId);
      await page.waitForURL(new RegExp(`groupId=${groupId}`));
      await waitFor(async () => totalOf(await countText(page)) < entries, "the group's channels");
      const inGroup = totalOf(await countText(page));
      assert.ok(inGroup > 1);
      for (const g of await page.locator("tbody tr td[data-col=group]").allInnerTexts()) {
        // The group, then its playlist's name.
        assert.equal(g.split("\n")[0], "Germany");
      }
      assert.ok(await sameWindow(page), "filtering by group loaded no page");
      await page.screenshot({ path: `${SHOTS}/desktop-channels.png`, fullPage: true });

      // Disable one channel; it stays off after a reload.
      const first = page.locator("tbody tr").first();
      const channelId = await first.getAttribute("data-channel-id");
      await first.getByRole("button", { name: "On" }).click();
      await first.getByRole("button", { name: "Off" }).waitFor();
      await page.reload();
      const again = page.locator(`tr[data-channel-id="${channelId}"]`);
      assert.equal(await again.locator("td[data-col=enabled] button").innerText(), "Off");
      assert.equal(totalOf(await countText(page)), inGroup, "the group filter survived reload");

      // Disable the rest of the group at once.
      const stillOn = (await page.locator("tbody tr td[data-col=enabled] button").allInnerTexts())
        .filter((s) => s === "On").length;
      assert.ok(inGroup <= 50 && stillOn > 0 && stillOn < inGroup);
      await page.getByRole("button", { name: `Disable all ${inGroup} matching` }).click();
      await waitForNotice(page, /^Disabled/);
      assert.equal(
        (await page.getByRole("status").textContent())?.trim(),
        `Disabled ${stillOn} channels`,
      );
      await page.locator('[data-island="ChannelTable"][data-hydrated="true"]').waitFor();
      const states = await page.locator("tbody tr td[data-col=enabled] button").allInnerTexts();
      assert.ok(states.length > 0 && states.every((s) => s === "Off"), "every row is off");
      await page.getByRole("combobox", { name: "State" }).selectOption("true");
      await page.waitForURL(/enabled=true/);
      await waitFor(async () => (await countText(page)) === "No channels match", "none enabled");

      // Phone width: the nav shows and nothing scrolls sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${manager.base}/admin/playlists`);
      await navFits(page);
      await noHorizontalOverflow(page);
      await page.screenshot({ path: `${SHOTS}/phone-playlists.png`, fullPage: true });
      await page.goto(`${manager.base}/admin/channels`);
      await page.locator('[data-island="ChannelTable"][data-hydrated="true"]').waitFor();
      await navFits(page);
      await noHorizontalOverflow(page);
      await page.screenshot({ path: `${SHOTS}/phone-channels.png` });

      assert.deepEqual(errors, [], "no script errors on any page");
    } catch (err) {
      // Show what the browser saw when a step failed.
      await page.screenshot({ path: `${SHOTS}/failure.png`, fullPage: true }).catch(() => {});
      throw err;
    } finally {
      await browser.close();
      await manager.close();
      await upstream.close();
    }
  },
);
