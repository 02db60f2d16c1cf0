import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { serveLocal, waitFor } from "../../testing/harness.ts";
import { listIcons } from "../db/icons.ts";
import { ValidationError } from "../errors.ts";
import { IconCache, type IconCacheOptions } from "./mod.ts";

const opts = {};
const PNG = await Deno.readFile(new URL("../../testdata/icons/logo.png", import.meta.url));
const SVG = await Deno.readFile(new URL("../../testdata/icons/logo.svg", import.meta.url));
const BASE = "http://tv.example:8088";

/** A local upstream with one route per case; it records requests and the most in flight. */
function upstream() {
  const seen: { path: string; userAgent: string }[] = [];
  let inFlight = 0;
  const stats = { maxInFlight: 0 };
  const server = serveLocal(async (req) => {
    const path = new URL(req.url).pathname;
    seen.push({ path, userAgent: req.headers.get("user-agent") ?? "" });
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    try {
      if (path.startsWith("/png")) {
        return new Response(PNG, { headers: { "content-type": "image/png" } });
      }
      if (path === "/flaky" && seen.filter((r) => r.path === path).length === 1) {
        return new Response(PNG, { headers: { "content-type": "image/png" } });
      }
      if (path === "/png-as-text") {
        return new Response(PNG, { headers: { "content-type": "text/plain" } });
      }
      if (path === "/svg-untyped") {
        return new Response(SVG, { headers: { "content-type": "application/octet-stream" } });
      }
      if (path === "/html") {
        return new Response("<!doctype html><title>Not found</title>", {
          headers: { "content-type": "text/html; charset=utf-8" },
        });
      }
      if (path === "/html-as-png") {
        return new Response("<html><body>nope</body></html>", {
          headers: { "content-type": "image/png" },
        });
      }
      if (path === "/big") {
        const big = new Uint8Array(1024 * 1024 + 1);
        big.set(PNG);
        return new Response(big, { headers: { "content-type": "image/png" } });
      }
      if (path === "/big-stream") {
        // No Content-Length: the cap must hold while the body streams.
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(ctrl) {
            if (sent >= 3 * 1024 * 1024) return ctrl.close();
            ctrl.enqueue(sent === 0 ? PNG : new Uint8Array(64 * 1024));
            sent += sent === 0 ? PNG.length : 64 * 1024;
          },
        });
        return new Response(body, { headers: { "content-type": "image/png" } });
      }
      if (path === "/slow") {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 4000);
          req.signal.addEventListener("abort", () => {
            clearTimeout(t);
            resolve();
          });
        });
        return new Response(PNG, { headers: { "content-type": "image/png" } });
      }
      if (path.startsWith("/paced")) {
        await new Promise((r) => setTimeout(r, 150));
        return new Response(PNG, { headers: { "content-type": "image/png" } });
      }
      return new Response("missing", { status: 404, statusText: "Not Found" });
    } finally {
      inFlight--;
    }
  });
  return { ...server, seen, stats };
}

async function withCache(
  options: Partial<IconCacheOptions>,
  fn: (cache: IconCache, kv: Deno.Kv, dataDir: string) => Promise<void>,
) {
  const kv = await Deno.openKv(":memory:");
  const dataDir = await Deno.makeTempDir({ prefix: "iptv-icons-" });
  const cache = new IconCache(kv, {
    dataDir,
    userAgent: "IconTest/1.0",
    iconTimeout: 5,
    // The test's logo host is a server on 127.0.0.1, allowed explicitly.
    allowedHosts: () => Promise.resolve(["127.0.0.1"]),
    ...options,
  });
  await cache.load();
  try {
    await fn(cache, kv, dataDir);
  } finally {
    await cache.close();
    kv.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test(
  "IconCache stores a png, points urlFor at our copy and keeps the bytes",
  opts,
  async () => {
    const up = upstream();
    try {
      await withCache({}, async (cache, kv, dataDir) => {
        const src = `${up.url}/png/logo.png`;
        equal(cache.urlFor(src, BASE), src, "before caching urlFor answers the source URL");
        equal(await cache.register([src, src, ` ${src} `]), 1);
        equal(cache.find(src)?.status, "pending");
        await cache.idle();
        const icon = cache.find(src)!;
        equal(icon.status, "ok");
        equal(icon.contentType, "image/png");
        equal(icon.size, PNG.length);
        equal(icon.error, null);
        equal(icon.etag, await sha256(PNG));
        match(icon.id, /^[0-9A-Z]{26}$/);
        equal(cache.urlFor(src, BASE), `${BASE}/manager/icons/${icon.id}.png`);
        equal(cache.urlFor(src, BASE + "/"), `${BASE}/manager/icons/${icon.id}.png`);
        deepEqual(await Deno.readFile(`${dataDir}/icons/${icon.id}`), PNG);
        deepEqual((await cache.read(icon.id))?.bytes, PNG);
        deepEqual((await listIcons(kv)).map((i) => i.status), ["ok"]);
        equal(up.seen.length, 1, "one download for three mentions of the URL");
        equal(up.seen[0].userAgent, "IconTest/1.0");
        // Registering again does not download again.
        equal(await cache.register([src]), 0);
        await cache.idle();
        equal(up.seen.length, 1);
      });
    } finally {
      await up.close();
    }
  },
);

Deno.test("IconCache believes magic bytes over a wrong or missing content type", opts, async () => {
  const up = upstream();
  try {
    await withCache({}, async (cache) => {
      await cache.register([`${up.url}/png-as-text`, `${up.url}/svg-untyped`]);
      await cache.idle();
      equal(cache.find(`${up.url}/png-as-text`)?.contentType, "image/png");
      equal(cache.find(`${up.url}/svg-untyped`)?.contentType, "image/svg+xml");
      match(cache.urlFor(`${up.url}/svg-untyped`, BASE), /\/manager\/icons\/[0-9A-Z]{26}\.svg$/);
    });
  } finally {
    await up.close();
  }
});

Deno.test(
  "IconCache marks failures with a clear error and keeps the source URL",
  opts,
  async () => {
    const up = upstream();
    try {
      await withCache({ iconTimeout: 1 }, async (cache) => {
        const urls = ["/missing", "/html", "/html-as-png", "/big", "/big-stream", "/slow"]
          .map((p) => up.url + p);
        equal(await cache.register(urls), urls.length);
        await cache.idle();
        const error = (p: string) => {
          const icon = cache.find(up.url + p)!;
          equal(icon.status, "failed", p);
          equal(cache.urlFor(up.url + p, BASE), up.url + p, `urlFor of a failed icon (${p})`);
          return icon.error ?? "";
        };
        equal(error("/missing"), `Icon ${up.url}/missing answered 404 Not Found`);
        equal(error("/html"), `Icon ${up.url}/html is text/html, not an image`);
        equal(
          error("/html-as-png"),
          `Icon ${up.url}/html-as-png is not an image (sent as image/png)`,
        );
        equal(error("/big"), `Icon ${up.url}/big is larger than 1 MiB`);
        equal(error("/big-stream"), `Icon ${up.url}/big-stream is larger than 1 MiB`);
        equal(error("/slow"), `Icon ${up.url}/slow timed out after 1 s`);
      });
    } finally {
      await up.close();
    }
  },
);

Deno.test("IconCache never opens data:, file:, pipe: or other non-http URLs", opts, async () => {
  await withCache({}, async (cache, kv) => {
    const n = await cache.register([
      "data:image/png;base64,iVBORw0KGgo=",
      "file:///etc/passwd",
      "pipe:///bin/sh -c id",
      "ftp://example.com/logo.png",
      "javascript:alert(1)",
      "/relative/logo.png",
      "http://",
      "",
      "   ",
    ]);
    equal(n, 0);
    await cache.idle();
    deepEqual(await listIcons(kv), []);
    equal(cache.urlFor("file:///etc/passwd", BASE), "file:///etc/passwd");
  });
});

Deno.test("IconCache downloads at most four icons at a time", opts, async () => {
  const up = upstream();
  try {
    await withCache({}, async (cache) => {
      await cache.register(Array.from({ length: 12 }, (_, i) => `${up.url}/paced/${i}.png`));
      await cache.idle();
      equal(cache.counts().ok, 12);
      ok(up.stats.maxInFlight <= 4, `at most 4 in flight (saw ${up.stats.maxInFlight})`);
      ok(up.stats.maxInFlight >= 2, `downloads overlap (saw ${up.stats.maxInFlight})`);
    });
  } finally {
    await up.close();
  }
});

Deno.test("IconCache stops trying a host that does not answer", opts, async () => {
  // Port 1 on loopback refuses connections at once.
  await withCache({ concurrency: 1 }, async (cache) => {
    const urls = Array.from({ length: 7 }, (_, i) => `http://127.0.0.1:1/${i}.png`);
    await cache.register(urls);
    await cache.idle();
    for (const u of urls.slice(0, 5)) match(cache.find(u)!.error!, /cannot be reached/);
    for (const u of urls.slice(5)) {
      match(cache.find(u)!.error!, /127\.0\.0\.1:1 did not answer the last 5 tries/);
    }
  });
});

Deno.test(
  "IconCache takes an uploaded replacement and keeps it over re-registration",
  opts,
  async () => {
    const up = upstream();
    try {
      await withCache({}, async (cache) => {
        const src = `${up.url}/missing/logo.png`;
        await cache.register([src]);
        await cache.idle();
        const failed = cache.find(src)!;
        equal(failed.status, "failed");
        await rejects(
          cache.upload(failed.id, new TextEncoder().encode("<html></html>"), "text/html"),
          (err: Error) =>
            err instanceof ValidationError && /text\/html, not an image/.test(err.message),
        );
        await rejects(
          cache.upload(failed.id, new Uint8Array(1024 * 1024 + 1), "image/png"),
          /larger than 1 MiB/,
        );
        await rejects(
          cache.upload("01HZZZZZZZZZZZZZZZZZZZZZZZ", SVG, "image/svg+xml"),
          /not found/,
        );
        const uploaded = await cache.upload(failed.id, SVG, "");
        equal(uploaded.status, "ok");
        equal(uploaded.uploaded, true);
        equal(uploaded.contentType, "image/svg+xml");
        equal(uploaded.etag, await sha256(SVG));
        equal(cache.urlFor(src, BASE), `${BASE}/manager/icons/${failed.id}.svg`);
        const before = up.seen.length;
        await cache.register([src]);
        await cache.idle();
        equal(up.seen.length, before, "an uploaded icon is not downloaded again");
        deepEqual((await cache.read(failed.id))?.bytes, SVG);
      });
    } finally {
      await up.close();
    }
  },
);

Deno.test(
  "IconCache re-fetches, deletes and reloads its records after a restart",
  opts,
  async () => {
    const up = upstream();
    try {
      await withCache({}, async (cache, kv, dataDir) => {
        const src = `${up.url}/png/a.png`;
        await cache.register([src]);
        await cache.idle();
        const icon = cache.find(src)!;
        // A second cache on the same store answers urlFor right after load.
        const again = new IconCache(kv, { dataDir, userAgent: "x", iconTimeout: 5 });
        await again.load();
        equal(again.urlFor(src, BASE), `${BASE}/manager/icons/${icon.id}.png`);
        again.close();

        const pending = await cache.refetch(icon.id);
        equal(pending.status, "pending");
        equal(
          cache.urlFor(src, BASE),
          `${BASE}/manager/icons/${icon.id}.png`,
          "copy in use meanwhile",
        );
        await cache.idle();
        equal(cache.get(icon.id)?.status, "ok");
        equal(up.seen.length, 2);

        await cache.delete(icon.id);
        equal(cache.get(icon.id), undefined);
        equal(cache.urlFor(src, BASE), src);
        await rejects(Deno.stat(`${dataDir}/icons/${icon.id}`), Deno.errors.NotFound);
        deepEqual(await listIcons(kv), []);
        await rejects(cache.delete(icon.id), /not found/);
        // Registered again, it is a new icon.
        equal(await cache.register([src]), 1);
        await cache.idle();
        ok(cache.find(src)!.id !== icon.id);
      });
    } finally {
      await up.close();
    }
  },
);

Deno.test("IconCache keeps serving its copy when a re-fetch fails", opts, async () => {
  const up = upstream();
  try {
    await withCache({}, async (cache) => {
      const src = `${up.url}/flaky`;
      await cache.register([src]);
      await cache.idle();
      const icon = cache.find(src)!;
      equal(icon.status, "ok");
      await cache.refetch(icon.id);
      await cache.idle();
      const after = cache.get(icon.id)!;
      equal(after.status, "failed");
      equal(after.error, `Icon ${src} answered 404 Not Found`);
      equal(after.etag, icon.etag);
      equal(cache.urlFor(src, BASE), `${BASE}/manager/icons/${icon.id}.png`);
      deepEqual((await cache.read(icon.id))?.bytes, PNG);
    });
  } finally {
    await up.close();
  }
});

Deno.test("IconCache.list() filters by status and URL and pages", opts, async () => {
  const up = upstream();
  try {
    await withCache({}, async (cache) => {
      await cache.register([
        ...Array.from({ length: 5 }, (_, i) => `${up.url}/png/${i}.png`),
        `${up.url}/missing/x.png`,
      ]);
      await cache.idle();
      deepEqual(cache.counts(), { pending: 0, ok: 5, failed: 1, total: 6 });
      const first = cache.list({ status: "ok" }, 0, 2);
      equal(first.total, 5);
      equal(first.items.length, 2);
      equal(first.nextOffset, 2);
      equal(cache.list({ status: "ok" }, 4, 2).nextOffset, null);
      equal(cache.list({ status: "failed" }, 0, 10).items[0].sourceUrl, `${up.url}/missing/x.png`);
      equal(cache.list({ q: "/PNG/3" }, 0, 10).total, 1);
      const asked = up.seen.length;
      equal(cache.refetchFailed(), 1);
      await waitFor(() => Promise.resolve(up.seen.length === asked + 1), "the retry");
      await cache.idle();
      equal(cache.counts().failed, 1);
    });
  } finally {
    await up.close();
  }
});
