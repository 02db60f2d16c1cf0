/**
 * The channel list and channel page in a real chromium: a number edited in place, a guide
 * mapping picked from the searchable picker, a stale edit refused and reported, a filter
 * disabled and renamed in bulk, all still there after a reload; both pages at phone width.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium, logIn, waitForNotice, watchErrors } from "../testing/browser.ts";
import { channelListFixture } from "../testing/channel_list_fixture.ts";
import { waitFor } from "../testing/harness.ts";

const SHOTS = "/tmp/shots/channels";

async function hydrated(page: Page, island: string): Promise<void> {
  await page.locator(`[data-island="${island}"][data-hydrated="true"]`).waitFor();
}

function row(page: Page, name: string) {
  return page.locator("tbody tr").filter({ has: page.getByLabel(`Name of ${name}`) });
}

async function noHorizontalOverflow(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: innerWidth,
  }));
  assert.ok(scroll <= inner + 1, `${page.url()} overflows: scrollWidth ${scroll} > ${inner}`);
}

Deno.test("an admin edits, maps and bulk-disables channels in the list", async () => {
  await Deno.mkdir(SHOTS, { recursive: true });
  const fx = await channelListFixture({ extraChannels: 60 });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    const errors = watchErrors(page);
    await logIn(page, fx.manager.base);
    await page.goto(`${fx.manager.base}/admin/channels`);
    await hydrated(page, "ChannelTable");
    const count = page.getByTestId("channel-count");
    assert.equal((await count.innerText()).trim(), "1–50 of 65 channels");

    // Logos, tvg-ids and guide matches are shown; a channel without a logo has a placeholder.
    const news = row(page, "News 24");
    assert.equal(await news.locator("td[data-col=logo] img").count(), 1);
    assert.match(
      await news.locator("td[data-col=guide]").innerText(),
      /News 24\s+news\.uk by tvg-id/,
    );
    assert.equal(await news.locator("td[data-col=tvg-id] code").innerText(), "news.uk");
    const ntv = row(page, "日テレ");
    assert.equal(await ntv.locator("td[data-col=logo] .placeholder").innerText(), "日テ");
    assert.match(await ntv.locator("td[data-col=guide]").innerText(), /No guide data/);
    await page.screenshot({ path: `${SHOTS}/channels-desktop.png` });

    // A number edited in place is saved when Enter is pressed.
    const number = page.getByLabel("Number of NHK総合");
    assert.equal(await number.getAttribute("placeholder"), "1", "the imported tvg-chno");
    await number.fill("101");
    await number.press("Enter");
    await page.getByText("Saved the number of NHK総合").waitFor();
    // Enter moved down a row, and the save did not take the focus away.
    assert.ok(
      await page.getByLabel("Number of NHK Eテレ").evaluate((el) => el === document.activeElement),
      "the next row's number has the focus",
    );

    // A guide mapping is picked from the searchable picker.
    await page.getByRole("button", { name: "Map the guide channel of 日テレ" }).click();
    const dialog = page.getByRole("dialog", { name: /Guide channel for/ });
    await dialog.waitFor();
    const search = dialog.getByLabel("Search guide channels by name or id");
    await search.fill("world");
    const pick = dialog.getByRole("button", { name: /World Service/ });
    await pick.waitFor();
    assert.match(await pick.innerText(), /worldnews\.uk[\s\S]*Guide · nothing on now/);
    await search.fill("news");
    await dialog.getByRole("button", { name: /News 24 news\.uk/ }).waitFor();
    assert.match(
      await dialog.getByRole("button", { name: /News 24/ }).innerText(),
      /now: Morning & Evening News/,
    );
    await page.screenshot({ path: `${SHOTS}/channels-picker-desktop.png` });
    // Keyboard: Down from the search box into the results, Enter picks.
    await search.fill("world");
    await dialog.getByText("1 guide channel matches.").waitFor();
    await search.press("ArrowDown");
    await page.keyboard.press("Enter");
    await page.getByText("Saved the guide mapping of 日テレ").waitFor();
    assert.match(
      await row(page, "日テレ").locator("td[data-col=guide]").innerText(),
      /World Service\s+worldnews\.uk mapped by hand/,
    );

    // Someone else renames a channel meanwhile: an edit from this page is refused and said so.
    const asahi = (await fx.call("GET", `/channel-views?q=${encodeURIComponent("テレビ朝日")}`))
      .body.items[0];
    assert.equal(
      (await fx.call("PATCH", `/channels/${asahi.id}/override`, { name: "EX" })).status,
      200,
    );
    const asahiName = page.getByLabel("Name of テレビ朝日");
    await asahiName.fill("TV Asahi");
    await asahiName.press("Enter");
    await page.getByRole("alert").filter({ hasText: /changed by someone else/ }).waitFor();
    assert.equal(await page.getByLabel("Name of テレビ朝日").inputValue(), "EX");

    // Only the channels without guide data: 日テレ is mapped now, the 60 others and 2 are not.
    await page.getByRole("combobox", { name: "Guide data" }).selectOption("none");
    await page.waitForURL(/guide=none/);
    await waitFor(
      async () => (await count.innerText()).trim() === "1–50 of 62 channels",
      "the channels without guide data",
    );
    await page.getByRole("combobox", { name: "Guide data" }).selectOption("");
    await waitFor(async () => (await count.innerText()).trim() === "1–50 of 65 channels", "all");

    // Bulk-disable the channels of a search.
    await page.getByRole("searchbox", { name: "Search" }).pressSequentially("テレ", { delay: 30 });
    await waitFor(
      async () => (await count.innerText()).trim() === "1–3 of 3 channels",
      "the filter",
    );
    await page.getByRole("button", { name: "Disable all 3 matching" }).click();
    await waitForNotice(page, "Disabled 3 channels");

    // Rename the same filter in bulk, previewed first.
    await hydrated(page, "ChannelTable");
    await page.getByText("Rename all 3 matching…").click();
    await page.getByLabel("How").selectOption("prefix");
    await page.getByLabel("Prefix").fill("[JP] ");
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.getByTestId("rename-preview");
    await preview.waitFor();
    assert.match(
      await preview.innerText(),
      /3 of 3 channels would be renamed[\s\S]*EX → \[JP\] EX/,
    );
    await page.screenshot({ path: `${SHOTS}/channels-rename-desktop.png` });
    await page.getByRole("button", { name: "Rename", exact: true }).click();
    await waitForNotice(page, "Renamed 3 of 3 channels");

    // After a reload: every edit is there.
    await page.goto(`${fx.manager.base}/admin/channels`);
    await hydrated(page, "ChannelTable");
    assert.equal(await page.getByLabel("Number of NHK総合").inputValue(), "101");
    const mapped = row(page, "日テレ");
    assert.equal(await mapped.getByLabel("Name of 日テレ").inputValue(), "[JP] 日テレ");
    assert.match(await mapped.locator("td[data-col=guide]").innerText(), /World Service/);
    for (const name of ["NHK Eテレ", "日テレ", "テレビ朝日"]) {
      assert.equal(await row(page, name).locator("td[data-col=enabled]").innerText(), "Off");
    }
    assert.equal(await row(page, "NHK総合").locator("td[data-col=enabled]").innerText(), "On");

    // The channel page: logo, now and next, and the same picker for its mapping.
    await mapped.getByRole("link", { name: "Details of [JP] 日テレ" }).click();
    await page.getByTestId("guide-match").waitFor();
    assert.match(await page.getByTestId("on-next").innerText(), /Later/);
    await hydrated(page, "GuideMappingField");
    // Saved over a change made meanwhile elsewhere: refused, and the form shows the stored one.
    const ntvId = new URL(page.url()).pathname.split("/").pop();
    await fx.call("PATCH", `/channels/${ntvId}/override`, { number: 7 });
    await page.getByLabel("Display name").fill("Nippon TV");
    await page.getByRole("button", { name: "Save overrides" }).click();
    await page.getByRole("alert").filter({ hasText: /someone else changed/ }).waitFor();
    assert.equal(await page.getByLabel("Channel number").inputValue(), "7");
    assert.equal(await page.getByLabel("Display name").inputValue(), "[JP] 日テレ");
    await hydrated(page, "GuideMappingField");
    await page.getByRole("button", { name: "Choose guide channel" }).click();
    await dialog.getByLabel("Search guide channels by name or id").fill("ＮＨＫ");
    await dialog.getByRole("button", { name: /ＮＨＫ総合/ }).click();
    await page.getByRole("button", { name: "Save overrides" }).click();
    await waitForNotice(page, "Overrides saved");
    assert.match(
      await page.getByTestId("guide-match").innerText(),
      /ＮＨＫ総合[\s\S]*mapped by hand/,
    );
    assert.match(await page.getByTestId("on-now").innerText(), /ニュース７/);
    await page.screenshot({ path: `${SHOTS}/channel-page-desktop.png`, fullPage: true });

    // Phone width: nothing scrolls sideways; the picker fits.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await noHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/channel-page-phone.png`, fullPage: true });
    await page.goto(`${fx.manager.base}/admin/channels`);
    await hydrated(page, "ChannelTable");
    await noHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/channels-phone.png` });
    await page.getByRole("button", { name: "Change the guide channel of News 24" }).click();
    await dialog.getByRole("button", { name: /News 24/ }).waitFor();
    await noHorizontalOverflow(page);
    await page.screenshot({ path: `${SHOTS}/channels-picker-phone.png` });
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    assert.deepEqual(errors, [], "no script errors on any page");
  } catch (err) {
    await page.screenshot({ path: `${SHOTS}/channels-failure.png`, fullPage: true }).catch(
      () => {},
    );
    throw err;
  } finally {
    await browser.close();
    await fx.close();
  }
});
