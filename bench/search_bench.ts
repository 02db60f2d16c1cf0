/**
 * Channel search benchmark: pages of the JSON API (/api/v1/channels) and of the server-rendered
 * channel page (/admin/channels, logged in with a cookie) over the imported channels, each timed
 * from the request to the last byte of the answer.
 */
import { Client } from "../testing/harness.ts";
import { COMMON_WORD, RARE_WORD } from "./_playlist.ts";
import type { ManagerProcess } from "./import_bench.ts";

/** Timings of one kind of request. */
export interface SearchRow {
  endpoint: "API" | "page";
  label: string;
  /** path and query as requested */
  path: string;
  /** channels matching (from the API's total; the page shows the same count) */
  total: number | null;
  medianMs: number;
  p95Ms: number;
  runs: number;
  /** size of one answer, in KB */
  kb: number;
}

/** Options of `benchSearch`. */
export interface SearchBenchOptions {
  /** measured requests per query (after 3 warm-up requests); default 25 */
  runs?: number;
  /** name of the group the group filter selects; default "US | Sports" */
  groupName?: string;
}

/** Times channel search pages of the API and of the admin page over one playlist's channels. */
export async function benchSearch(
  manager: ManagerProcess,
  options: SearchBenchOptions = {},
): Promise<SearchRow[]> {
  const runs = Math.max(20, options.runs ?? 25);
  const groupName = options.groupName ?? "US | Sports";
  const groups = await manager.api<{ items: { id: string; name: string }[] }>(
    "GET",
    "/api/v1/groups",
  );
  const group = groups.items.find((g) => g.name === groupName);
  if (!group) throw new Error(`Group "${groupName}" was not found`);
  const first = await manager.api<{ total: number }>("GET", "/api/v1/channels?limit=1");
  const deep = Math.max(0, first.total - 100);
  const queries: [string, Record<string, string>, Record<string, string>][] = [
    [`common word "${COMMON_WORD}"`, { q: COMMON_WORD }, { q: COMMON_WORD }],
    [`rare word "${RARE_WORD}"`, { q: RARE_WORD }, { q: RARE_WORD }],
    [`group filter "${groupName}"`, { groupId: group.id }, { groupId: group.id }],
    [`deep page (item ${deep})`, { cursor: String(deep) }, { offset: String(deep) }],
  ];
  const apiFetch = (path: string) =>
    fetch(manager.base + path, { headers: { authorization: manager.auth } });
  const browser = new Client(manager.base);
  const login = await browser.login(manager.username, manager.password);
  if (login.status !== 303) throw new Error(`Login answered ${login.status}`);
  const rows: SearchRow[] = [];
  for (const [label, apiQuery, pageQuery] of queries) {
    const apiPath = `/api/v1/channels?${new URLSearchParams({ ...apiQuery, limit: "50" })}`;
    const api = await timeRequests(() => apiFetch(apiPath), runs);
    const total = (JSON.parse(api.body) as { total: number }).total;
    rows.push({ endpoint: "API", label, path: apiPath, total, ...api.figures });
    const pagePath = `/admin/channels?${new URLSearchParams(pageQuery)}`;
    const page = await timeRequests(() => browser.fetch(pagePath), runs);
    if (!page.body.includes("ChannelTable")) {
      throw new Error(`${pagePath} did not render the channel table`);
    }
    rows.push({ endpoint: "page", label, path: pagePath, total, ...page.figures });
  }
  return rows;
}

async function timeRequests(
  send: () => Promise<Response>,
  runs: number,
): Promise<{ body: string; figures: Omit<SearchRow, "endpoint" | "label" | "path" | "total"> }> {
  let body = "";
  const once = async () => {
    const t0 = performance.now();
    const res = await send();
    body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${res.url} answered ${res.status}`);
    return ms;
  };
  for (let i = 0; i < 3; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  times.sort((a, b) => a - b);
  const median = times.length % 2
    ? times[times.length >> 1]
    : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
  // Nearest-rank percentile.
  const p95 = times[Math.ceil(0.95 * times.length) - 1];
  const kb = new TextEncoder().encode(body).length / 1024;
  return { body, figures: { medianMs: median, p95Ms: p95, runs, kb } };
}
