/** Debian's chromium for page tests, started without any traffic of its own (no updates, sync). */
import { type Browser, chromium } from "playwright-core";

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
