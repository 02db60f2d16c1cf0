/** The downstream playlist editor island in a real chromium: search, add, reorder, preview, save. */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { parseM3uText } from "../common/m3u/mod.ts";
import { launchChromium, logIn, waitForNotice, watchErrors } from "../testing/browser.ts";
import { apiClient, startTestManager, waitFor } from "../testing/harness.ts";
import { addTwoProviders } from "../testing/two_providers.ts";

const SHOTS = "/tmp/shots";

/** The chosen groups as the editor lists them: "label · playlist". */
async function chosen(page: Page): Promise<string[]> {
  return await page.getByTestId("chosen-groups").locator("li").evaluateAll((lis) =>
    lis.map((li) => {
      const name = li.querySelector("strong")?.textContent ?? "";
      const where = (li.querySelector(".hint")?.textContent ?? "").split(" · ")[0];
      return `${name} · ${where}`;
    })
  );
}

/** Waits until the preview lists these channels (names, in order). */
async function previewShows(page: Page, names: string[]): Promise<void> {
  await waitFor(
    async () => {
      const rows = await page.getByTestId("preview").locator("tbody tr")
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-channel")));
      return JSON.stringify(rows) === JSON.stringify(names);
    },
    `the preview to show ${names.join(", ")}`,
    10_000,
  );
}

/** The name of the element that has the keyboard focus. */
function focused(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? null);
}

/** Neither the page nor a card in it scrolls sideways. */
async function noHorizontalOverflow(page: Page): Promise<void> {
  const { scroll, inner } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    inner: innerWidth,
  }));
  assert.ok(scroll <= inner + 1, `${page.url()} overflows: scrollWidth ${scroll} > ${inner}`);
}

Deno.test("an admin picks, orders and previews a downstream playlist's groups in a real browser", async () => {
  await Deno.mkdir(SHOTS, { recursive: true });
  const manager = await startTestManager();
  const providers = await addTwoProviders(manager);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    const errors = watchErrors(page);
    await logIn(page, manager.base);
    await page.goto(`${manager.base}/admin/downstream/new`);
    await page.getByLabel("Name", { exact: true }).fill("Bedroom");
    await page.getByLabel("Streams").selectOption({ label: "Direct" });

    // Search: the two "UK" groups are told apart by their upstream playlist and count.
    await page.getByText("4 of 4 groups.").waitFor();
    await page.getByLabel("Search groups").fill("uk");
    const known = page.locator("#ge-known li");
    await page.getByText("2 of 4 groups.").waitFor();
    assert.deepEqual(await known.locator(".ge-what").allInnerTexts(), [
      "UK\nProvider A · 2 channels",
      "UK\nProvider B · 2 channels",
    ]);
    await page.getByRole("button", { name: "Add UK from Provider A" }).click();
    await page.getByRole("button", { name: "Add UK from Provider B" }).click();
    assert.deepEqual(await chosen(page), ["UK · Provider A", "UK · Provider B"]);
    await previewShows(page, ["BBC One", "ITV", "Channel 4", "Channel 5"]);
    await page.getByTestId("group-editor").screenshot({ path: `${SHOTS}/editor-search.png` });
    const count = page.getByTestId("preview-count");
    assert.equal(await count.getAttribute("aria-live"), "polite");
    await waitFor(
      async () => (await count.innerText()) === "4 channels, 2 without guide data.",
      "the preview count",
    );
    const bbc = page.locator('tr[data-channel="BBC One"]');
    assert.match(await bbc.innerText(), /BBC One HD\s+by tvg-id/);
    assert.match(await bbc.locator("img").getAttribute("src") ?? "", /\/logo\/bbcone\.png$/);

    // Reorder by keyboard alone: Provider B's UK up, and the focus stays with it.
    await page.getByRole("button", { name: "Move UK from Provider B up" }).focus();
    await page.keyboard.press("Enter");
    assert.deepEqual(await chosen(page), ["UK · Provider B", "UK · Provider A"]);
    // At the top its up button is disabled: the focus moves to its down button, not to nowhere.
    await waitFor(
      async () => await focused(page) === "Move UK from Provider B down",
      "the focus to move to the down button",
    );
    assert.equal(
      await page.getByTestId("editor-said").innerText(),
      "UK from Provider B moved to position 1 of 2.",
    );
    await previewShows(page, ["Channel 4", "Channel 5", "BBC One", "ITV"]);

    // The preview follows the rest of the form too: numbering in order from 10.
    await page.getByLabel("Channel numbers").selectOption({ label: "Number in order" });
    await page.getByLabel("Start value").fill("10");
    await waitFor(async () => {
      const nums = await page.locator("tbody .ge-num").allInnerTexts();
      return nums.join(",") === "10,11,12,13";
    }, "the preview to number from 10");
    // And the exclusion filters: the entry that loses a channel says how many it still lists.
    await page.getByLabel("Exclusion filters").fill("itv");
    await previewShows(page, ["Channel 4", "Channel 5", "BBC One"]);
    await waitFor(async () => {
      const hints = await page.getByTestId("chosen-groups").locator(".hint").allInnerTexts();
      return hints.join("|") === "Provider B · 2 channels|Provider A · 2 channels, 1 listed";
    }, "the chosen groups to count what they list");
    await page.getByLabel("Exclusion filters").fill("");
    await previewShows(page, ["Channel 4", "Channel 5", "BBC One", "ITV"]);
    await page.getByLabel("Search groups").fill("");
    await page.screenshot({ path: `${SHOTS}/editor-desktop.png`, fullPage: true });
    await noHorizontalOverflow(page);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/editor-phone.png`, fullPage: true });
    await noHorizontalOverflow(page);
    await page.setViewportSize({ width: 1280, height: 900 });

    await page.getByRole("button", { name: "Save" }).click();
    await page.waitForURL(/\/admin\/downstream\/[^/]+\/view$/);
    await waitForNotice(page, "Playlist saved");
    const url = new URL((await page.getByTestId("playlist-url").innerText()).trim());
    const res = await fetch(`${manager.base}${url.pathname}${url.search}`);
    assert.equal(res.status, 200);
    const out = parseM3uText(await res.text()).entries;
    assert.deepEqual(out.map((e) => [e.name, e.attrs["tvg-chno"]]), [
      ["Channel 4", "10"],
      ["Channel 5", "11"],
      ["BBC One", "12"],
      ["ITV", "13"],
    ]);

    // Editing again shows the same picks in the same order.
    await page.getByRole("link", { name: "Edit" }).click();
    await page.getByText("4 of 4 groups.").waitFor();
    assert.deepEqual(await chosen(page), ["UK · Provider B", "UK · Provider A"]);
    // A mouse can drag an entry too: Provider A's UK dropped on the first place.
    const items = page.getByTestId("chosen-groups").locator("li");
    await items.nth(1).dragTo(items.nth(0));
    await waitFor(
      async () => (await chosen(page)).join() === "UK · Provider A,UK · Provider B",
      "the dragged entry to move",
    );
    assert.deepEqual(errors, [], "no script errors");
  } finally {
    await browser.close();
    await providers.close();
    await manager.close();
  }
});

Deno.test("a playlist saved with bare names is shown picked from every playlist, and saved so", async () => {
  const manager = await startTestManager();
  const providers = await addTwoProviders(manager);
  const { "Provider A": a, "Provider B": b } = providers.ids;
  const call = apiClient(manager);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    page.setDefaultTimeout(10_000);
    const old = await call("POST", "/downstream-playlists", {
      name: "Old",
      streamMode: "direct",
      groups: ["UK", "Nowhere"],
    });
    assert.equal(old.status, 201);
    await logIn(page, manager.base);
    await page.goto(`${manager.base}/admin/downstream/${old.body.id}`);
    await page.getByTestId("replaced-names").waitFor();
    assert.deepEqual(await chosen(page), [
      "UK · Provider A",
      "UK · Provider B",
      "Nowhere · Every upstream playlist",
    ]);
    await page.screenshot({ path: `${SHOTS}/editor-legacy.png`, fullPage: true });
    await page.getByRole("button", { name: "Remove Nowhere" }).click();
    await page.getByRole("button", { name: "Save" }).click();
    await waitForNotice(page, "Playlist saved");
    const saved = await call("GET", `/downstream-playlists/${old.body.id}`);
    assert.deepEqual(saved.body.groups, [{ playlistId: a, name: "UK" }, {
      playlistId: b,
      name: "UK",
    }]);
  } finally {
    await browser.close();
    await providers.close();
    await manager.close();
  }
});
