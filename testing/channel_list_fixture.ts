/**
 * A manager with one imported playlist (English and Japanese channel names) and one imported
 * guide whose programmes run now, served by a real local upstream: what the channel list's
 * API and browser tests edit.
 */
import {
  ADMIN_AUTH,
  apiClient,
  serveLocal,
  startTestManager,
  type TestManager,
  waitFor,
} from "./harness.ts";

/** A running fixture. */
export interface ChannelListFixture {
  manager: TestManager;
  /** base URL of the upstream serving the playlist, the guide and the logos */
  upstream: string;
  playlistId: string;
  epgId: string;
  auth: Record<string, string>;
  /** the JSON API as the test admin */
  call: ReturnType<typeof apiClient>;
  close(): Promise<void>;
}

function xmltvTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14) + " +0000";
}

function playlist(base: string, extra: number): string {
  const rows = [
    `#EXTINF:-1 tvg-id="news.uk" tvg-logo="${base}/logos/news.svg" group-title="UK",News 24`,
    `#EXTINF:-1 tvg-id="nhk.jp" tvg-chno="1" group-title="Japan",NHK総合`,
    `#EXTINF:-1 tvg-chno="2" group-title="Japan",NHK Eテレ`,
    `#EXTINF:-1 group-title="Japan",日テレ`,
    `#EXTINF:-1 tvg-logo="${base}/logos/asahi.svg" group-title="Japan",テレビ朝日`,
  ];
  for (let i = 1; i <= extra; i++) {
    rows.push(`#EXTINF:-1 tvg-id="misc${i}" group-title="Misc",Channel ${i}`);
  }
  return "#EXTM3U\n" +
    rows.map((r, i) => `${r}\nhttp://stream.invalid/${i}.ts\n`).join("");
}

function guide(base: string, now: number): string {
  const prog = (ch: string, from: number, to: number, title: string) =>
    `<programme start="${xmltvTime(from)}" stop="${xmltvTime(to)}" channel="${ch}">` +
    `<title>${title}</title></programme>`;
  const half = 30 * 60_000;
  return `<?xml version="1.0" encoding="UTF-8"?><tv>
<channel id="news.uk"><display-name>News 24</display-name><icon src="${base}/logos/news.svg"/></channel>
<channel id="worldnews.uk"><display-name>World Service</display-name></channel>
<channel id="bbc1.uk"><display-name>BBC One</display-name></channel>
<channel id="nhk.jp"><display-name>ＮＨＫ総合</display-name><display-name>NHK General</display-name></channel>
${prog("news.uk", now - half, now + half, "Morning &amp; Evening News")}
${prog("news.uk", now + half, now + 2 * half, "Weather")}
${prog("worldnews.uk", now + 4 * half, now + 6 * half, "Later")}
${prog("bbc1.uk", now - half, now + half, "Breakfast")}
${prog("nhk.jp", now - half, now + half, "ニュース７")}
</tv>`;
}

function logo(color: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">` +
    `<rect width="64" height="64" rx="10" fill="${color}"/></svg>`;
}

/** Starts the manager and the upstream, imports the playlist and the guide. */
export async function channelListFixture(
  opts: { extraChannels?: number; env?: Record<string, string> } = {},
): Promise<ChannelListFixture> {
  const now = Date.now();
  let base = "";
  const up = serveLocal((req) => {
    const path = new URL(req.url).pathname;
    if (path === "/guide.xml") return new Response(guide(base, now));
    if (path.startsWith("/logos/")) {
      return new Response(logo(path.includes("news") ? "#b42318" : "#1f5fbf"), {
        headers: { "content-type": "image/svg+xml" },
      });
    }
    return new Response(playlist(base, opts.extraChannels ?? 0));
  });
  base = up.url;
  const manager = await startTestManager(opts.env);
  const call = apiClient(manager);
  try {
    const p = await call("POST", "/upstream-playlists", { name: "TV", url: `${base}/tv.m3u` });
    const g = await call("POST", "/epgs", { name: "Guide", url: `${base}/guide.xml` });
    await call("POST", `/upstream-playlists/${p.body.id}/import`);
    await call("POST", `/epgs/${g.body.id}/import`);
    await waitFor(async () => {
      const a = (await call("GET", `/upstream-playlists/${p.body.id}`)).body.lastImport;
      const b = (await call("GET", `/epgs/${g.body.id}`)).body.lastImport;
      if (a?.status === "failed" || b?.status === "failed") throw new Error("Import failed");
      return a?.status === "ok" && b?.status === "ok";
    }, "the playlist and guide imports");
    return {
      manager,
      upstream: base,
      playlistId: p.body.id,
      epgId: g.body.id,
      auth: ADMIN_AUTH,
      call,
      async close() {
        await manager.close();
        await up.close();
      },
    };
  } catch (err) {
    await manager.close();
    await up.close();
    throw err;
  }
}
