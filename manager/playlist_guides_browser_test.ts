/** A new playlist in a real chromium: imported on save, its header's guides added in one click. */
import assert from "node:assert/strict";
import { launchChromium, logIn, waitForNotice, watchErrors } from "../testing/browser.ts";
import { serveLocal, startTestManager, waitFor } from "../testing/harness.ts";

Deno.test(
  "an admin saves a playlist, sees it imported and adds the guides its header names",
  {},
  async () => {
    const upstream = serveLocal((req) => {
      const base = new URL(req.url).origin;
      return new Response(
        `#EXTM3U x-tvg-url="${base}/a.xml,${base}/b.xml"\n` +
          '#EXTINF:-1 tvg-id="one" group-title="News",One\nhttp://stream.invalid/1.ts\n',
      );
    });
    const manager = await startTestManager();
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const errors = watchErrors(page);
      await logIn(page, manager.base);
      await page.goto(`${manager.base}/admin/playlists/new`);
      await page.getByTestId("imports-on-save").waitFor();
      await page.getByLabel("Name", { exact: true }).fill("Provider");
      await page.getByLabel("URL", { exact: true }).fill(`${upstream.url}/p.m3u`);
      await page.getByRole("button", { name: "Save" }).click();
      await waitForNotice(page, "Playlist saved");
      const row = page.locator('tr[data-playlist="Provider"]');
      const badge = row.locator(".import-progress .badge");
      await waitFor(async () => (await badge.textContent())?.trim() === "ok", "import ok", 15_000);

      await row.getByRole("link", { name: "Provider" }).click();
      const offer = page.getByTestId("header-guides");
      assert.equal((await offer.locator("li").allInnerTexts()).length, 2);
      await page.getByRole("button", { name: "Add these 2 as guide sources" }).click();
      await waitForNotice(page, "Added 2 guides");
      await page.locator('tr[data-epg="Provider guide"]').waitFor();
      await page.locator('tr[data-epg="Provider guide 2"]').waitFor();
      await page.goBack();
      await page.reload();
      assert.equal(await page.getByTestId("header-guides").count(), 0, "nothing left to offer");
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await manager.close();
      await upstream.close();
    }
  },
);
