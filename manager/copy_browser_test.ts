/**
 * Copy buttons in a real chromium, where the Clipboard API is missing: the manager reached by a
 * LAN-style name over plain http (not a secure context), and where it works (loopback).
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, launchChromium, logIn, watchErrors } from "../testing/browser.ts";
import { apiClient, startTestManager } from "../testing/harness.ts";

/** A host name that is not localhost, resolved by chromium itself to the test manager. */
const LAN_HOST = "iptv.lan";

Deno.test("copy buttons select and copy the URL on a plain-http LAN address", async () => {
  const m = await startTestManager();
  const call = apiClient(m);
  const d = await call("POST", "/downstream-playlists", { name: "Kitchen", streamMode: "direct" });
  assert.equal(d.status, 201);
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [...CHROMIUM_ARGS, `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors = watchErrors(page);
    const base = `http://${LAN_HOST}:${m.port}`;
    await logIn(page, base);
    await page.locator("[data-island='CopyButton'][data-hydrated='true']").first().waitFor();
    // What a LAN address gives a page: no secure context, so no navigator.clipboard.
    assert.deepEqual(
      await page.evaluate(() => [isSecureContext, typeof navigator.clipboard]),
      [false, "undefined"],
    );
    const url = await page.getByLabel("Kitchen playlist URL").inputValue();
    assert.match(url, /\/manager\/get\/playlist\/Kitchen\?token=/);
    await page.getByTitle("Copy Kitchen playlist URL").click();
    await page.locator(".copy-status").filter({ hasText: "Copied" }).waitFor();
    // The URL is selected (a Ctrl+C of the admin's copies it too) and on the clipboard: pasted
    // into a field of the page, it arrives whole.
    assert.equal(
      await page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement;
        return el.value.slice(el.selectionStart ?? 0, el.selectionEnd ?? 0);
      }),
      url,
    );
    await page.evaluate(() => {
      const paste = document.createElement("textarea");
      paste.id = "paste";
      document.body.append(paste);
      paste.focus();
    });
    await page.keyboard.press("Control+V");
    assert.equal(await page.locator("#paste").inputValue(), url);

    // A <pre> (the playlist's own page): its text is selected and copied the same way.
    await page.goto(`${base}/admin/downstream/${d.body.id}/view`);
    await page.locator("[data-island='CopyButton'][data-hydrated='true']").first().waitFor();
    await page.getByTitle("Copy guide URL").click();
    await page.locator(".copy-status").filter({ hasText: "Copied" }).waitFor();
    const guideUrl = (await page.getByTestId("guide-url").innerText()).trim();
    assert.equal(await page.evaluate(() => getSelection()?.toString().trim()), guideUrl);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await m.close();
  }
});

Deno.test("copy buttons use the Clipboard API where the page may write to it", async () => {
  const m = await startTestManager();
  const call = apiClient(m);
  const d = await call("POST", "/downstream-playlists", { name: "Den", streamMode: "direct" });
  assert.equal(d.status, 201);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: m.base });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await logIn(page, m.base);
    await page.goto(`${m.base}/admin/downstream/${d.body.id}/view`);
    await page.locator("[data-island='CopyButton'][data-hydrated='true']").first().waitFor();
    assert.equal(await page.evaluate(() => isSecureContext), true);
    await page.getByTitle("Copy playlist URL").click();
    await page.locator(".copy-status").filter({ hasText: "Copied" }).waitFor();
    const url = (await page.getByTestId("playlist-url").innerText()).trim();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
    // Nothing was selected: the Clipboard API did the copy.
    assert.equal(await page.evaluate(() => getSelection()?.toString() ?? ""), "");
  } finally {
    await browser.close();
    await m.close();
  }
});
