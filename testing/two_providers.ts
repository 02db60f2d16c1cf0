/**
 * Two upstream playlists that both have a group "UK" (with other channels each), and a guide
 * that knows some of their channels: what the downstream playlist editor must tell apart.
 */
import { equal } from "node:assert/strict";
import { apiClient, serveLocal, type TestManager, waitFor } from "./harness.ts";

const PNG = await Deno.readFile(new URL("../testdata/icons/logo.png", import.meta.url));

/** Channels of each provider: [group, name, tvg-id]. */
export const PROVIDERS = {
  "Provider A": [
    ["UK", "BBC One", "bbcone.uk"],
    ["UK", "ITV", "itv.uk"],
    ["Sport", "Sky Sports", "skysports.uk"],
  ],
  "Provider B": [
    ["News", "CNN", "cnn.us"],
    ["UK", "Channel 4", "channel4.uk"],
    ["UK", "Channel 5", ""],
  ],
} as const;

/** The guide's channels: tvg-id → display name. */
const GUIDE: Record<string, string> = { "bbcone.uk": "BBC One HD", "channel4.uk": "Channel 4" };

function m3u(base: string, provider: keyof typeof PROVIDERS): string {
  const lines = ["#EXTM3U"];
  for (const [group, name, id] of PROVIDERS[provider]) {
    const slug = name.replace(/\W/g, "").toLowerCase();
    lines.push(
      `#EXTINF:-1 tvg-id="${id}" tvg-logo="${base}/logo/${slug}.png" group-title="${group}",${name}`,
      `http://stream.invalid/${slug}.ts`,
    );
  }
  return lines.join("\n") + "\n";
}

/** XMLTV time (DTD: YYYYMMDDhhmmss +hhmm) of now plus `hours`. */
function xmltvTime(hours: number): string {
  const iso = new Date(Date.now() + hours * 3600_000).toISOString();
  return iso.replace(/[-:T]/g, "").slice(0, 14) + " +0000";
}

function xmltv(): string {
  const ids = Object.keys(GUIDE);
  const channels = ids.map((id) =>
    `<channel id="${id}"><display-name>${GUIDE[id]}</display-name></channel>`
  );
  // A guide without programmes is refused; one programme a channel, on now.
  const programmes = ids.map((id) =>
    `<programme start="${xmltvTime(-1)}" stop="${xmltvTime(1)}" channel="${id}">` +
    `<title>News at ${GUIDE[id]}</title></programme>`
  );
  return `<?xml version="1.0"?><tv>${channels.join("")}${programmes.join("")}</tv>`;
}

/** The ids of the two upstream playlists, by name, and the upstream server to close. */
export interface TwoProviders {
  ids: Record<keyof typeof PROVIDERS, string>;
  close(): Promise<void>;
}

/** Serves both playlists, their logos and the guide, and imports them into the manager. */
export async function addTwoProviders(m: TestManager): Promise<TwoProviders> {
  const up = serveLocal((req) => {
    const path = new URL(req.url).pathname;
    if (path.startsWith("/logo/")) {
      return new Response(PNG, { headers: { "content-type": "image/png" } });
    }
    if (path === "/epg.xml") return new Response(xmltv());
    const provider = decodeURIComponent(path.slice(1)) as keyof typeof PROVIDERS;
    return PROVIDERS[provider]
      ? new Response(m3u(up.url, provider))
      : new Response("not found", { status: 404 });
  });
  const call = apiClient(m);
  const ids = {} as Record<keyof typeof PROVIDERS, string>;
  for (const name of Object.keys(PROVIDERS) as (keyof typeof PROVIDERS)[]) {
    const p = await call("POST", "/upstream-playlists", {
      name,
      url: `${up.url}/${encodeURIComponent(name)}`,
    });
    equal(p.status, 201, JSON.stringify(p.body));
    ids[name] = p.body.id;
    await importAndWait(m, `/upstream-playlists/${p.body.id}`);
  }
  const guide = await call("POST", "/epgs", { name: "Freeview", url: `${up.url}/epg.xml` });
  equal(guide.status, 201, JSON.stringify(guide.body));
  await importAndWait(m, `/epgs/${guide.body.id}`);
  return { ids, close: () => up.close() };
}

async function importAndWait(m: TestManager, path: string): Promise<void> {
  const call = apiClient(m);
  const started = await call("POST", `${path}/import`);
  equal(started.status, 202, JSON.stringify(started.body));
  const done = await waitFor(async () => {
    const r = await call("GET", path);
    const run = r.body.lastImport;
    return run?.id === started.body.id && run.status !== "running" ? run : null;
  }, `the import of ${path}`);
  equal(done.status, "ok", JSON.stringify(done));
}
