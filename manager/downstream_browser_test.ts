/** Downstream playlists, proxies and overrides in a real chromium, used the way an admin uses them. */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium, logIn, waitForNotice, watchErrors } from "../testing/browser.ts";
import { parseM3uText } from "../common/m3u/mod.ts";
import { serveLocal, startTestManager, waitFor } from "../testing/harness.ts";

const PLAYLIST = new URL("../testdata/m3u/kodinerds_kodi.m3u", import.meta.url);
const SHOTS = "/tmp/shots";
/** Two groups of the fixture, in an order that is not the file's nor the alphabet's. */
const CHOSEN = ["Schweiz", "Niederlande"];

/** Neither the page nor a card or copy box in it scrolls sideways (cards clip with a scrollbar). */
async function noHorizontalOverflow(page: Page): Promise<void> {
  const { scroll, inner, boxes } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: innerWidth,
    boxes: [...document.querySelectorAll(".card, pre")]
      .filter((e) => e.scrollWidth > e.clientWidth + 1)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${e.scrollWidth} > ${e.clientWidth}`),
  }));
  assert.ok(scroll <= inner + 1, `${page.url()} overflows: scrollWidth ${scroll} > ${inner}`);
  assert.deepEqual(boxes, [], `${page.url()} has boxes that scroll sideways`);
}

async function flash(page: Page): Promise<string> {
  return (await page.getByRole("status").textContent() ?? "").trim();
}

Deno.test(
  "an admin builds a downstream playlist with a proxy and overrides in a real browser",
  {},
  async () => {
    await Deno.mkdir(SHOTS, { recursive: true });
    const bytes = await Deno.readFile(PLAYLIST);
    const source = parseM3uText(new TextDecoder().decode(bytes)).entries;
    const upstream = serveLocal(() =>
      new Response(bytes, { headers: { "content-type": "audio/x-mpegurl" } })
    );
    const manager = await startTestManager();
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      const errors = watchErrors(page);

      // Log in, add the upstream playlist and import it.
      await logIn(page, manager.base);
      // A new user lands on the overview, which points at adding a first source.
      await page.getByRole("heading", { name: "Overview" }).waitFor();
      await page.getByRole("navigation").getByRole("link", { name: "Playlists" }).click();
      await page.waitForURL(/\/admin\/playlists/);
      await page.getByRole("link", { name: "Add playlist" }).click();
      await page.getByLabel("Name", { exact: true }).fill("Kodinerds");
      await page.getByLabel("URL", { exact: true }).fill(`${upstream.url}/kodi.m3u`);
      await page.getByRole("button", { name: "Save" }).click();
      await waitForNotice(page, "Playlist saved");
      // Saving a new playlist imports it at once.
      const row = page.locator('tr[data-playlist="Kodinerds"]');
      const badge = row.locator(".import-progress .badge");
      await waitFor(async () => (await badge.textContent())?.trim() === "ok", "import ok", 15_000);

      // Add a proxy by hand: devices reach it at tv.example:9000.
      await page.getByRole("navigation").getByRole("link", { name: "Proxies" }).click();
      await page.waitForURL(/\/admin\/proxies$/);
      await page.screenshot({ path: `${SHOTS}/ds-proxies-empty.png`, fullPage: true });
      await page.getByRole("link", { name: "Add proxy" }).click();
      await page.getByLabel("Name", { exact: true }).fill("Living room");
      await page.getByLabel("External URL").fill("http://tv.example");
      await page.getByLabel("External port").fill("9000");
      await page.screenshot({ path: `${SHOTS}/ds-proxy-form.png`, fullPage: true });
      await page.getByRole("button", { name: "Save" }).click();
      await waitForNotice(page, "Proxy saved");
      assert.equal(await flash(page), "Proxy saved");
      const proxyRow = page.locator("tbody tr", { hasText: "Living room" });
      assert.match(await proxyRow.innerText(), /http:\/\/tv\.example:9000/);
      await page.screenshot({ path: `${SHOTS}/ds-proxies.png`, fullPage: true });

      // A downstream playlist of two groups, picked from the known groups.
      await page.getByRole("navigation").getByRole("link", { name: "Downstream" }).click();
      await page.waitForURL(/\/admin\/downstream$/);
      await page.getByRole("link", { name: "Add playlist" }).click();
      await page.waitForURL(/\/admin\/downstream\/new$/);
      await page.getByLabel("Name", { exact: true }).fill("Kitchen TV");
      await page.getByLabel("Proxy", { exact: true }).selectOption({ label: "Living room" });
      for (const g of CHOSEN) {
        await page.getByLabel("Search groups").fill(g);
        await page.getByRole("button", { name: `Add ${g} from Kodinerds`, exact: true }).click();
      }
      await page.screenshot({ path: `${SHOTS}/ds-new.png`, fullPage: true });
      await page.getByRole("button", { name: "Save" }).click();
      await page.waitForURL(/\/admin\/downstream\/[^/]+\/view$/);
      await waitForNotice(page, "Playlist saved");
      assert.equal(await flash(page), "Playlist saved");
      const viewUrl = page.url().replace(/\?.*$/, "");

      // The view page lists the channels of the two groups, in the chosen order.
      const expected = CHOSEN.flatMap((g) =>
        source.filter((e) => e.attrs["group-title"] === g).map((e) => ({ name: e.name, group: g }))
      );
      assert.ok(expected.length > 10, "the chosen groups have channels");
      const heading = page.getByRole("heading", { name: `${expected.length} channels` });
      assert.ok(await heading.isVisible(), "the channel count is shown");
      const viewGroups = await page.locator("tbody tr td:nth-child(3)").allInnerTexts();
      assert.deepEqual(viewGroups, expected.map((e) => e.group));
      assert.equal(
        (await page.getByTestId("streams").innerText()).trim(),
        "Streams through proxy Living room at http://tv.example:9000.",
      );
      await page.screenshot({ path: `${SHOTS}/ds-view.png`, fullPage: true });

      // The proxy is in use now: deleting it is refused with an error, not a cheerful flash.
      await page.getByRole("navigation").getByRole("link", { name: "Proxies" }).click();
      await page.locator("tbody tr", { hasText: "Living room" })
        .getByRole("button", { name: "Delete" }).click();
      assert.match(
        (await page.getByRole("alert").textContent()) ?? "",
        /Cannot delete proxy "Living room": used by playlist "Kitchen TV"/,
      );
      assert.equal(await page.locator("tbody tr", { hasText: "Living room" }).count(), 1);
      await page.screenshot({ path: `${SHOTS}/ds-proxy-in-use.png` });
      await page.goto(viewUrl);

      // Open the first channel and give it a display name.
      const original = expected[0].name;
      await page.getByRole("link", { name: original, exact: true }).first().click();
      await page.waitForURL(/\/admin\/channels\/[0-9A-Z]+$/);
      // (A guide mapping is picked from a list on this page: channels_browser_test.ts.)
      await page.getByLabel("Display name").fill("My Renamed Channel");
      await page.getByRole("button", { name: "Save overrides" }).click();
      await waitForNotice(page, "Overrides saved");
      assert.equal(await flash(page), "Overrides saved");
      assert.equal(await page.getByLabel("Display name").inputValue(), "My Renamed Channel");
      await page.screenshot({ path: `${SHOTS}/ds-channel.png`, fullPage: true });

      // Rename the second group and number its channels from 500.
      await page.getByRole("navigation").getByRole("link", { name: "Groups" }).click();
      await page.locator(`tr[data-group="${CHOSEN[1]}"]`)
        .getByRole("link", { name: "rename, renumber" }).click();
      await page.waitForURL(/\/admin\/groups\/[0-9A-Z]+$/);
      const groupUrl = page.url();
      await page.getByLabel("Display name for all its channels").fill("Holland");
      await page.getByRole("button", { name: "Rename group" }).click();
      await waitForNotice(page, "Group renamed");
      assert.equal(await flash(page), "Group renamed");
      assert.equal(
        await page.getByLabel("Display name for all its channels").inputValue(),
        "Holland",
      );
      const inSecond = expected.filter((e) => e.group === CHOSEN[1]).length;
      await page.getByLabel("Number its channels from").fill("-5");
      await page.getByRole("button", { name: `Renumber ${inSecond} channels` }).click();
      await page.getByText("A whole number from 0 to 1000000").waitFor();
      await page.getByLabel("Number its channels from").fill("500");
      await page.getByRole("button", { name: `Renumber ${inSecond} channels` }).click();
      await waitForNotice(page, /^Numbered/);
      assert.equal(await flash(page), `Numbered ${inSecond} channels`);
      await page.screenshot({ path: `${SHOTS}/ds-group.png`, fullPage: true });

      // Back on the view page, take the playlist URL the admin would hand to a device.
      await page.goto(viewUrl);
      await page.screenshot({ path: `${SHOTS}/ds-view-after.png`, fullPage: true });
      const shown = new URL((await page.getByTestId("playlist-url").innerText()).trim());
      assert.match(shown.pathname, /\/manager\/get\/playlist\/Kitchen%20TV$/);
      const token = shown.searchParams.get("token");
      assert.ok(token, "the playlist URL carries its token");
      // MANAGEMENT_URL is the public address; the test reaches the same manager on loopback.
      const res = await fetch(`${manager.base}${shown.pathname}${shown.search}`);
      assert.equal(res.status, 200);
      const out = parseM3uText(await res.text()).entries;
      const wanted = expected.map((e, i) => ({
        name: i === 0 ? "My Renamed Channel" : e.name,
        group: e.group === CHOSEN[1] ? "Holland" : e.group,
      }));
      assert.deepEqual(
        out.map((e) => ({ name: e.name, group: e.attrs["group-title"] })),
        wanted,
      );
      assert.ok(!out.some((e) => e.name === original), "the imported name is gone");
      assert.deepEqual(
        out.filter((e) => e.attrs["group-title"] === "Holland").map((e) => e.attrs["tvg-chno"]),
        Array.from({ length: inSecond }, (_, i) => String(500 + i)),
      );
      for (const e of out) {
        assert.match(e.url, /^http:\/\/tv\.example:9000\/stream\/[\w-]{43}\/[0-9A-Z]{26}\.\w+$/);
      }

      // Phone width: nothing on the downstream pages scrolls sideways.
      await page.setViewportSize({ width: 390, height: 844 });
      const editUrl = viewUrl.replace(/\/view$/, "");
      const phonePages: [string, string][] = [
        ["list", `${manager.base}/admin/downstream`],
        ["new", `${manager.base}/admin/downstream/new`],
        ["edit", editUrl],
        ["view", viewUrl],
        ["proxies", `${manager.base}/admin/proxies`],
        ["group", groupUrl],
      ];
      for (const [name, url] of phonePages) {
        await page.goto(url);
        await noHorizontalOverflow(page);
        await page.screenshot({ path: `${SHOTS}/ds-phone-${name}.png`, fullPage: true });
      }
      await page.goto(viewUrl);
      await page.getByRole("link", { name: "My Renamed Channel" }).click();
      await page.waitForURL(/\/admin\/channels\/[0-9A-Z]+$/);
      await noHorizontalOverflow(page);
      await page.screenshot({ path: `${SHOTS}/ds-phone-channel.png`, fullPage: true });

      assert.deepEqual(errors, [], "no script errors on any page");
    } catch (err) {
      await page.screenshot({ path: `${SHOTS}/ds-failure.png`, fullPage: true }).catch(() => {});
      throw err;
    } finally {
      await browser.close();
      await manager.close();
      await upstream.close();
    }
  },
);
