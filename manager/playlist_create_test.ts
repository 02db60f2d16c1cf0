/**
 * A new upstream playlist: imported at once when saved from the form, through the API only when
 * asked; the guides its header names are offered as guide sources, one click adding them.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { listEpgs } from "../common/db/epgs.ts";
import { apiClient, Client, serveLocal, startTestManager, waitFor } from "../testing/harness.ts";
import { lastRun } from "./services/playlists.ts";

const opts = {};

/** A playlist whose header names three guides (two in one attribute, comma-separated). */
function playlistWithGuides(base: string): string {
  return [
    `#EXTM3U url-tvg="${base}/a.xml, ${base}/b.xml" x-tvg-url="${base}/c.xml.gz"`,
    '#EXTINF:-1 tvg-id="one" group-title="News",One',
    "http://stream.invalid/1.ts",
    "",
  ].join("\n");
}

Deno.test(
  "the API imports a new playlist only when asked, and says so in the document",
  opts,
  async () => {
    const m = await startTestManager();
    const call = apiClient(m);
    const up = serveLocal((req) => new Response(playlistWithGuides(new URL(req.url).origin)));
    try {
      const quiet = await call("POST", "/upstream-playlists", {
        name: "Quiet",
        url: `${up.url}/p.m3u`,
      });
      equal(quiet.status, 201);
      equal(quiet.body.lastImport, null);
      const eager = await call("POST", "/upstream-playlists", {
        name: "Eager",
        url: `${up.url}/p.m3u`,
        import: true,
      });
      equal(eager.status, 201);
      equal(eager.body.lastImport?.trigger, "api");
      ok(!("import" in eager.body), "the option is not stored");
      const done = await waitFor(async () => {
        const r = await call("GET", `/upstream-playlists/${eager.body.id}`);
        return r.body.lastImport?.status === "ok" ? r.body : null;
      }, "the import");
      equal(done.channelCount, 1);
      // The header's attributes are stored with the import.
      equal(done.headerAttrs["x-tvg-url"], `${up.url}/c.xml.gz`);
      equal((await call("GET", `/upstream-playlists/${quiet.body.id}`)).body.lastImport, null);
      equal(await lastRun(m.kv, quiet.body.id), null, "never imported");
      const doc = await call("GET", "/openapi.json");
      ok(doc.body.components.schemas.UpstreamPlaylistCreate.properties.import);
    } finally {
      await up.close();
      await m.close();
    }
  },
);

Deno.test(
  "a playlist saved from the form is imported at once and offers its header's guides",
  opts,
  async () => {
    const m = await startTestManager();
    const up = serveLocal((req) => new Response(playlistWithGuides(new URL(req.url).origin)));
    const client = new Client(m.base);
    try {
      equal((await client.login("admin", "correct horse battery")).status, 303);
      const form = await client.page("/admin/playlists/new");
      match(form.html, /Saving downloads and imports the playlist at once/);
      const saved = await client.postForm("/admin/playlists", {
        name: "Provider",
        url: `${up.url}/p.m3u`,
        refreshMinutes: "0",
        enabled: "on",
      });
      equal(saved.status, 303);
      const list = await client.page("/admin/playlists");
      const id = /href="\/admin\/playlists\/([0-9A-Z]{26})"/.exec(list.html)![1];
      const run = await waitFor(async () => {
        const r = await lastRun(m.kv, id);
        return r?.status === "ok" ? r : null;
      }, "the import started by saving");
      equal(run.trigger, "manual");

      // One of the three guides is a source already: two are offered.
      const call = apiClient(m);
      await call("POST", "/epgs", { name: "B", url: `${up.url}/b.xml` });
      const edit = await client.page(`/admin/playlists/${id}`);
      equal(edit.res.status, 200);
      const offered = /data-testid="header-guides">(.*?)<\/ul>/s.exec(edit.html)![1];
      match(offered, new RegExp(`${up.url}/a\\.xml`));
      match(offered, new RegExp(`${up.url}/c\\.xml\\.gz`));
      ok(!offered.includes("b.xml"), "an added guide is not offered again");

      const added = await client.postForm(`/admin/playlists/${id}/add-guides`, {});
      equal(added.status, 303);
      equal(added.headers.get("location"), "/admin/epgs");
      const guides = await listEpgs(m.kv);
      deepEqual(guides.map((g) => [g.name, g.url]), [
        ["B", `${up.url}/b.xml`],
        ["Provider guide", `${up.url}/a.xml`],
        ["Provider guide 2", `${up.url}/c.xml.gz`],
      ]);
      const again = await client.page(`/admin/playlists/${id}`);
      ok(!again.html.includes('data-testid="header-guides"'), "nothing left to offer");
      // Without the form's token the offer is refused like every other form.
      const forged = await client.postForm(`/admin/playlists/${id}/add-guides`, {}, false);
      equal(forged.status, 403);
      await forged.body?.cancel();
    } finally {
      await up.close();
      await m.close();
    }
  },
);
