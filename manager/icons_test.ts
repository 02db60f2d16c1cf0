import { deepEqual, equal, match, ok } from "node:assert/strict";
import { createUpstreamPlaylist } from "../common/db/upstream_playlists.ts";
import { Client, serveLocal, startTestManager, waitFor } from "../testing/harness.ts";

const opts = {};
const PNG = await Deno.readFile(new URL("../testdata/icons/logo.png", import.meta.url));
const SVG = await Deno.readFile(new URL("../testdata/icons/logo.svg", import.meta.url));

Deno.test(
  "an import caches tvg-logo icons, lists them on /admin/icons and serves them without a login",
  opts,
  async () => {
    const up = serveLocal((req) => {
      const path = new URL(req.url).pathname;
      if (path === "/list.m3u") {
        const base = new URL(req.url).origin;
        return new Response(
          [
            "#EXTM3U",
            `#EXTINF:-1 tvg-id="one" tvg-logo="${base}/logos/one.png" group-title="News",One`,
            "http://stream.invalid/1.ts",
            `#EXTINF:-1 tvg-id="two" tvg-logo="${base}/logos/one.png" group-title="News",Two`,
            "http://stream.invalid/2.ts",
            `#EXTINF:-1 tvg-id="three" tvg-logo="${base}/logos/gone.png" group-title="News",Three`,
            "http://stream.invalid/3.ts",
            `#EXTINF:-1 tvg-logo="file:///etc/passwd" group-title="News",Four`,
            "http://stream.invalid/4.ts",
          ].join("\n") + "\n",
        );
      }
      if (path === "/logos/one.png") {
        return new Response(PNG, { headers: { "content-type": "image/png" } });
      }
      return new Response("no", { status: 404 });
    });
    const m = await startTestManager({ ICON_CACHE: "true" });
    try {
      const playlist = await createUpstreamPlaylist(m.kv, {
        name: "Logos",
        url: `${up.url}/list.m3u`,
        path: "",
        userAgentId: null,
        excludedGroups: [],
        maxConnections: 1,
        refreshMinutes: 0,
        enabled: true,
      });
      const { done } = await m.deps.startImport(playlist.id, "manual");
      equal((await done).status, "ok");
      const icons = m.deps.icons;
      const one = await waitFor(
        () =>
          Promise.resolve(
            icons.find(`${up.url}/logos/one.png`)?.status === "ok" &&
              icons.find(`${up.url}/logos/one.png`),
          ),
        "the logo to be cached",
      );
      await waitFor(
        () => Promise.resolve(icons.find(`${up.url}/logos/gone.png`)?.status === "failed"),
        "the missing logo to fail",
      );
      equal(icons.counts().total, 2, "file: URLs are never registered");
      const ours = icons.urlFor(`${up.url}/logos/one.png`, m.base);
      equal(ours, `${m.base}/manager/icons/${one.id}.png`);

      // Public: no cookie, ETag, cache headers and 304.
      const res = await fetch(ours);
      equal(res.status, 200);
      equal(res.headers.get("content-type"), "image/png");
      equal(res.headers.get("cache-control"), "public, max-age=86400");
      equal(res.headers.get("etag"), `"${one.etag}"`);
      deepEqual(new Uint8Array(await res.arrayBuffer()), PNG);
      const again = await fetch(ours, { headers: { "if-none-match": `"${one.etag}"` } });
      equal(again.status, 304);
      await again.body?.cancel();
      const bare = await fetch(`${m.base}/manager/icons/${one.id}`);
      equal(bare.status, 200);
      await bare.body?.cancel();
      for (const path of ["01HZZZZZZZZZZZZZZZZZZZZZZZ.png", "nope", "..%2F..%2Fetc%2Fpasswd"]) {
        const miss = await fetch(`${m.base}/manager/icons/${path}`);
        equal(miss.status, 404, path);
        await miss.body?.cancel();
      }

      // The admin page lists both, with the usage count and the error.
      const c = new Client(m.base);
      equal((await c.login("admin", "correct horse battery")).status, 303);
      const { res: pageRes, html } = await c.page("/admin/icons");
      equal(pageRes.status, 200);
      ok(html.includes(`${up.url}/logos/one.png`));
      ok(
        html.includes(`title="Icon ${up.url}/logos/gone.png answered 404 Not Found">answered 404`),
      );
      match(html, new RegExp(`data-icon="${one.id}"[\\s\\S]*?<td class="opt">2</td>`));
      ok(html.includes('href="/admin/icons"'), "the navigation links the page");
      const failedOnly = (await c.page("/admin/icons?status=failed")).html;
      ok(failedOnly.includes("gone.png") && !failedOnly.includes(`data-icon="${one.id}"`));
      const retry = await c.postForm("/admin/icons/refetch-failed", { back: "status=failed" });
      equal(retry.status, 303);
      equal(retry.headers.get("location"), "/admin/icons?status=failed");
      match(
        retry.headers.get("set-cookie") ?? "",
        /iptv_notice=Fetching%201%20failed%20icons%20again/,
      );
      const head = await fetch(ours, { method: "HEAD" });
      equal(head.status, 200);
      equal(head.headers.get("etag"), `"${one.etag}"`);
      await head.body?.cancel();

      // Replace with an upload (multipart, CSRF field in the form).
      const form = (file: Blob, csrf = c.csrf) => {
        const f = new FormData();
        f.set("_csrf", csrf);
        f.set("back", "status=ok");
        f.set("file", file, "logo.svg");
        return f;
      };
      const forged = await c.fetch(`/admin/icons/${one.id}/upload`, {
        method: "POST",
        body: form(new Blob([SVG], { type: "image/svg+xml" }), "wrong"),
      });
      equal(forged.status, 403);
      await forged.body?.cancel();
      const bad = await c.fetch(`/admin/icons/${one.id}/upload`, {
        method: "POST",
        body: form(new Blob(["<html>hi</html>"], { type: "text/html" })),
      });
      equal(bad.status, 422);
      match(await bad.text(), /The file is text\/html, not an image/);
      const up1 = await c.fetch(`/admin/icons/${one.id}/upload`, {
        method: "POST",
        body: form(new Blob([SVG], { type: "image/svg+xml" })),
      });
      equal(up1.status, 303);
      equal(up1.headers.get("location"), "/admin/icons?status=ok");
      equal(icons.get(one.id)?.contentType, "image/svg+xml");
      equal(icons.get(one.id)?.uploaded, true);
      const svg = await fetch(`${m.base}/manager/icons/${one.id}.svg`);
      equal(svg.headers.get("content-type"), "image/svg+xml");
      match(svg.headers.get("content-security-policy") ?? "", /sandbox/);
      deepEqual(new Uint8Array(await svg.arrayBuffer()), SVG);

      // Re-fetch replaces the upload with the source's bytes; delete forgets the icon.
      const refetch = await c.postForm(`/admin/icons/${one.id}/refetch`, { back: "" });
      equal(refetch.status, 303);
      await waitFor(
        () => Promise.resolve(icons.get(one.id)?.contentType === "image/png"),
        "the re-fetch",
      );
      equal(icons.get(one.id)?.uploaded, false);
      const del = await c.postForm(`/admin/icons/${one.id}/delete`, { back: "" });
      equal(del.status, 303);
      const gone = await fetch(ours);
      equal(gone.status, 404);
      await gone.body?.cancel();
      equal(icons.urlFor(`${up.url}/logos/one.png`, m.base), `${up.url}/logos/one.png`);
    } finally {
      m.deps.icons.close();
      await m.close();
      await up.close();
    }
  },
);
