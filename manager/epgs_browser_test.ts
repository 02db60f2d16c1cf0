/** The guide pages and their import-progress island in a real chromium. */
import assert from "node:assert/strict";
import {
  countDocumentLoads,
  launchChromium,
  logIn,
  waitForNotice,
  watchErrors,
} from "../testing/browser.ts";
import { serveLocal, startTestManager, waitFor } from "../testing/harness.ts";

const GUIDE = new URL("../testdata/xmltv/freeview-epg_uk-ie_2026-08-22.xml", import.meta.url);
/** Serves bytes in ten slices 150 ms apart, so the import is seen running. */
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

Deno.test(
  "an admin adds a guide and watches its import finish without a page load",
  {},
  async () => {
    const bytes = await Deno.readFile(GUIDE);
    const upstream = serveLocal(() =>
      new Response(slowBody(bytes), { headers: { "content-length": String(bytes.length) } })
    );
    const manager = await startTestManager();
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const errors = watchErrors(page);
      const documents = countDocumentLoads(page);
      await logIn(page, manager.base);

      await page.getByRole("navigation").getByRole("link", { name: "Guides" }).click();
      await page.getByRole("link", { name: "Add guide" }).click();
      await page.getByLabel("Name", { exact: true }).fill("Freeview");
      await page.getByLabel("URL", { exact: true }).fill(`${upstream.url}/epg.xml`);
      await page.getByRole("button", { name: "Save" }).click();
      await waitForNotice(page, "Guide saved");
      const row = page.locator('tr[data-epg="Freeview"]');
      assert.equal((await row.locator(".badge").textContent())?.trim(), "never imported");

      await row.getByRole("button", { name: "Download and import now" }).click();
      await waitForNotice(page, "Import started");
      const badge = row.locator(".import-progress .badge");
      assert.equal((await badge.textContent())?.trim(), "running");
      await page.locator('[data-island="GuideImportProgress"][data-hydrated="true"]').waitFor();
      const before = documents();
      await waitFor(async () => (await badge.textContent())?.trim() === "ok", "import ok", 15_000);
      assert.equal(documents(), before, "the status changed without a page load");
      assert.match(await row.innerText(), /9 channels, 2070 programmes/);

      // A phone width: nothing runs off the side.
      await page.setViewportSize({ width: 375, height: 740 });
      await page.reload();
      const { scroll, inner } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        inner: innerWidth,
      }));
      assert.ok(scroll <= inner + 1, `the page overflows: ${scroll} > ${inner}`);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await manager.close();
      await upstream.close();
    }
  },
);
