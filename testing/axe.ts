/**
 * axe-core in a real chromium: the engine is evaluated into the page through the DevTools
 * protocol (the pages' CSP forbids inline scripts, and a test must not loosen it to run), then
 * `axe.run()` checks the document against WCAG 2.x A and AA.
 */
import type { Page } from "playwright-core";

const AXE_SOURCE = await Deno.readTextFile(
  new URL("../node_modules/axe-core/axe.min.js", import.meta.url),
);

/** One axe violation, as much of it as a failure message needs. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe on the page as it is now; answers every violation of WCAG 2.x A/AA rules. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate("typeof axe !== 'undefined'");
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return await page.evaluate(async () => {
    const axe = (globalThis as unknown as {
      axe: {
        run(
          ctx: Document,
          opts: unknown,
        ): Promise<{
          violations: {
            id: string;
            impact: string | null;
            help: string;
            nodes: { target: string[] }[];
          }[];
        }>;
      };
    }).axe;
    const res = await axe.run(document, {
      runOnly: {
        type: "tag",
        values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
      },
    });
    return res.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    }));
  });
}

/** The violations that fail a page: impact "serious" or "critical". */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  return (await axeViolations(page)).filter((v) =>
    v.impact === "serious" || v.impact === "critical"
  );
}
