/**
 * Provider-chosen URLs against internal addresses, end to end: a playlist or guide download
 * that redirects to another internal host, and logos on internal hosts. Only the source's own
 * host (typed by the admin) and ALLOWED_PRIVATE_HOSTS are reachable.
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { testConfig } from "../../testing/harness.ts";
import { listPlaylistChannels } from "../db/channels.ts";
import { createEpg, getEpg } from "../db/epgs.ts";
import { createUpstreamPlaylist, getUpstreamPlaylist } from "../db/upstream_playlists.ts";
import { IconCache } from "../icons/mod.ts";
import { startEpgImport } from "./epg_import.ts";
import { startImport } from "./playlist_import.ts";

const opts = {};
const FIXTURE = Deno.readTextFileSync(
  new URL("../../testdata/m3u/kodinerds_pipe.m3u", import.meta.url),
);
const GUIDE = await Deno.readFile(
  new URL("../../testdata/xmltv/freeview-epg_uk-ie_2026-08-22.xml", import.meta.url),
);
const PNG = await Deno.readFile(new URL("../../testdata/icons/logo.png", import.meta.url));

/** A server on a loopback address that counts its requests. */
function serveOn(hostname: string, handler: (req: Request) => Response) {
  let hits = 0;
  const server = Deno.serve({ hostname, port: 0, onListen: () => {} }, (req) => {
    hits++;
    return handler(req);
  });
  return {
    url: `http://${hostname}:${server.addr.port}`,
    hits: () => hits,
    close: () => server.shutdown(),
  };
}

Deno.test(
  "a playlist download redirected to another internal host is refused and the channels stay",
  opts,
  async () => {
    // No ALLOWED_PRIVATE_HOSTS: only the source's own host (127.0.0.1) is reachable.
    const config = await testConfig({ ALLOWED_PRIVATE_HOSTS: "" });
    const kv = await Deno.openKv(":memory:");
    const internal = serveOn("127.0.0.2", () => new Response(FIXTURE));
    let redirect = "";
    const source = serveOn("127.0.0.1", (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/moved") return new Response(FIXTURE);
      return redirect
        ? new Response(null, { status: 302, headers: { location: redirect } })
        : new Response(FIXTURE);
    });
    try {
      const p = await createUpstreamPlaylist(kv, {
        name: "LAN box",
        url: `${source.url}/list.m3u`,
        path: "",
        userAgentId: null,
        excludedGroups: [],
        maxConnections: 1,
        refreshMinutes: 0,
        enabled: true,
      });
      const importOnce = async () => (await startImport(kv, p.id, { settings: config })).done;
      equal((await importOnce()).status, "ok", "a LAN provider at its own address works");
      const channels = async () => listPlaylistChannels(kv, await getUpstreamPlaylist(kv, p.id));
      const before = await channels();
      redirect = "/moved";
      equal((await importOnce()).status, "ok", "a redirect on the source's own host is followed");
      for (const target of [`${internal.url}/list.m3u`, "http://169.254.169.254/latest/"]) {
        redirect = target;
        const run = await importOnce();
        equal(run.status, "failed");
        match(run.error!, /^Cannot import playlist "LAN box": Refused to fetch from/);
        match(run.error!, /ALLOWED_PRIVATE_HOSTS/);
      }
      equal(internal.hits(), 0, "the internal host was never contacted");
      equal((await channels()).length, before.length);
    } finally {
      await source.close();
      await internal.close();
      kv.close();
      await Deno.remove(config.dataDir, { recursive: true });
    }
  },
);

Deno.test(
  "a guide download redirected to an internal host is refused unless ALLOWED_PRIVATE_HOSTS names it",
  opts,
  async () => {
    const internal = serveOn("127.0.0.2", () => new Response(GUIDE));
    const source = serveOn(
      "127.0.0.1",
      () => new Response(null, { status: 307, headers: { location: `${internal.url}/g.xml` } }),
    );
    for (const allowed of ["", "127.0.0.2"]) {
      const config = await testConfig({ ALLOWED_PRIVATE_HOSTS: allowed });
      const kv = await Deno.openKv(":memory:");
      try {
        const epg = await createEpg(kv, {
          name: "Guide",
          url: `${source.url}/g.xml`,
          path: "",
          userAgentId: null,
          refreshMinutes: 0,
          enabled: true,
        });
        const { done } = await startEpgImport(kv, epg.id, { settings: config });
        const run = await done;
        if (allowed) {
          equal(run.status, "ok", run.error ?? "");
          ok((await getEpg(kv, epg.id)).generation);
        } else {
          equal(run.status, "failed");
          match(run.error!, /127\.0\.0\.2 is a loopback address/);
          equal((await getEpg(kv, epg.id)).generation, null);
        }
      } finally {
        kv.close();
        await Deno.remove(config.dataDir, { recursive: true });
      }
    }
    equal(internal.hits(), 1, "contacted only when allowed");
    await source.close();
    await internal.close();
  },
);

Deno.test(
  "logos on internal hosts are fetched only from a source's host or ALLOWED_PRIVATE_HOSTS",
  opts,
  async () => {
    const kv = await Deno.openKv(":memory:");
    const dataDir = await Deno.makeTempDir({ prefix: "iptv-icons-" });
    const onSource = serveOn("127.0.0.1", () => new Response(PNG));
    const elsewhere = serveOn("127.0.0.2", () => new Response(PNG));
    const cache = new IconCache(kv, {
      dataDir,
      userAgent: "IconTest/1.0",
      iconTimeout: 5,
      // As the manager computes it: the admin-typed source hosts and ALLOWED_PRIVATE_HOSTS.
      allowedHosts: () => Promise.resolve(["127.0.0.1"]),
    });
    await cache.load();
    try {
      const urls = [
        `${onSource.url}/logo.png`,
        `${elsewhere.url}/logo.png`,
        "http://169.254.169.254/latest/meta-data/iam",
        "http://[::1]:9/logo.png",
      ];
      await cache.register(urls);
      await cache.idle();
      equal(cache.find(urls[0])?.status, "ok");
      for (const url of urls.slice(1)) {
        const icon = cache.find(url)!;
        equal(icon.status, "failed", url);
        match(icon.error!, /was not fetched: Refused to fetch from/);
      }
      deepEqual([onSource.hits(), elsewhere.hits()], [1, 0]);
    } finally {
      await cache.close();
      await onSource.close();
      await elsewhere.close();
      kv.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);
