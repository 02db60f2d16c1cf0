/** Debian's chromium for page tests, started without any traffic of its own (no updates, sync). */
import { type Browser, chromium, type Page } from "playwright-core";

/** Flags that keep chromium headless, sandbox-free as root, and off the network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches /usr/bin/chromium headless (playwright-core never downloads a browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Logs in through the login form as the test admin and waits for an admin page. */
export async function logIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel("User name").fill("admin");
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(/\/admin(\/|$)/);
}

/** Counts top-level document loads of a page, to tell a live update from a page load. */
export function countDocumentLoads(page: Page): () => number {
  let n = 0;
  page.on("request", (r) => {
    if (r.resourceType() === "document" && r.frame() === page.mainFrame()) n++;
  });
  return () => n;
}

/** Waits until the page shows a notice (role=status) with this text, after a form's redirect. */
export async function waitForNotice(page: Page, text: string | RegExp): Promise<void> {
  await page.getByRole("status").filter({ hasText: text }).first().waitFor();
}

/**
 * Where the README's screenshots go: docs/screenshots/ when UPDATE_SCREENSHOTS=1 (`deno task
 * screenshots`), else a folder under /tmp, so an ordinary test run leaves the checkout as it was.
 */
export function screenshotDir(): URL {
  return Deno.env.get("UPDATE_SCREENSHOTS") === "1"
    ? new URL("../docs/screenshots/", import.meta.url)
    : new URL("file:///tmp/shots/readme/");
}

/** Sets the page's default timeout and collects its uncaught errors (a test asserts none). */
export function watchErrors(page: Page, timeoutMs = 10_000): string[] {
  page.setDefaultTimeout(timeoutMs);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}
