import { deepEqual, equal, match, ok as assert, rejects } from "node:assert/strict";
import { serveLocal, testConfig } from "../../testing/harness.ts";
import { createEpg, deleteEpg, getEpg, lastEpgRun } from "../db/epgs.ts";
import { epgProgrammesPrefix } from "../db/keys.ts";
import { createUserAgent } from "../db/user_agents.ts";
import { ConflictError } from "../errors.ts";
import type { EpgImportRun, EpgInput } from "../xmltv/schemas.ts";
import { listEpgChannels, programmesXml } from "../xmltv/store.ts";
import { startEpgImport } from "./epg_import.ts";

const opts = {};
const DATA = new URL("../../testdata/xmltv/", import.meta.url);
const TAKEALUG = "takealug-magentatv-de_doctype_2022-07-25.xml";
const FREEVIEW = "freeview-epg_uk-ie_2026-08-22.xml";

async function setup() {
  const config = await testConfig();
  const kv = await Deno.openKv(":memory:");
  return {
    config,
    kv,
    async importOnce(id: string): Promise<EpgImportRun> {
      const { done } = await startEpgImport(kv, id, {
        settings: config,
        oldGenerationGraceMs: 0,
      });
      return await done;
    },
    epg(input: Partial<EpgInput>) {
      return createEpg(kv, {
        name: "Guide",
        url: "",
        path: "",
        userAgentId: null,
        refreshMinutes: 0,
        enabled: true,
        ...input,
      });
    },
    /** Copies a test guide into DATA_DIR and returns its relative path. */
    async local(file: string): Promise<string> {
      const name = file.split("/").pop()!;
      await Deno.copyFile(new URL(file, DATA), `${config.dataDir}/${name}`);
      return name;
    },
    async keys(prefix: Deno.KvKey): Promise<Deno.KvKey[]> {
      const out: Deno.KvKey[] = [];
      for await (const e of kv.list({ prefix })) out.push(e.key);
      return out;
    },
    async close() {
      kv.close();
      await Deno.remove(config.dataDir, { recursive: true });
    },
  };
}

async function text(it: AsyncGenerator<string>): Promise<string> {
  let s = "";
  for await (const chunk of it) s += chunk;
  return s;
}

Deno.test(
  "startEpgImport() imports a real guide over HTTP with its user agent, in few KV writes",
  opts,
  async () => {
    const t = await setup();
    const body = await Deno.readFile(new URL(TAKEALUG, DATA));
    let ua = "";
    const up = serveLocal((req) => {
      ua = req.headers.get("user-agent") ?? "";
      return new Response(body);
    });
    try {
      const agent = await createUserAgent(t.kv, { name: "Kodi", userAgent: "Kodi/21 epg-test" });
      const epg = await t.epg({ url: `${up.url}/guide.xml`, userAgentId: agent.id });
      const run = await t.importOnce(epg.id);
      equal(run.status, "ok", run.error ?? "");
      deepEqual(run.counts, { channels: 118, programmes: 12125, skipped: 0 });
      equal(run.bytes, body.length);
      equal(ua, "Kodi/21 epg-test");
      const stored = await getEpg(t.kv, epg.id);
      assert(stored.generation && stored.lastImportedAt);
      const channels = await listEpgChannels(t.kv, stored);
      equal(channels.length, 118);
      deepEqual(channels[0], {
        epgId: epg.id,
        id: "Das Erste",
        displayNames: ["Das Erste"],
        icon: "http://ngiss.t-online.de/sweetprogrammanager/media/" +
          "3711d16d0e3570276ebba175620385b5f4ff18f4.png",
      });
      // Grouped per channel and day: far fewer values than programmes.
      const parts = await t.keys(epgProgrammesPrefix(epg.id));
      assert(parts.length < 12125 / 5, `${parts.length} programme values`);
      const xml = await text(programmesXml(t.kv, stored, "Das Erste", "ard.de", 0, 1e15));
      const inFile = new TextDecoder().decode(body).match(/<programme [^>]*"Das Erste"/g)!;
      equal(xml.match(/<programme /g)?.length, inFile.length);
      match(xml, /^<programme channel="ard\.de" start="20220724231500 \+0000" stop="/);
    } finally {
      await up.close();
      await t.close();
    }
  },
);

Deno.test("startEpgImport() imports gzip files from DATA_DIR", opts, async () => {
  const t = await setup();
  try {
    const epg = await t.epg({ path: await t.local("edge/freeview_gzip.xml.gz") });
    const run = await t.importOnce(epg.id);
    equal(run.status, "ok", run.error ?? "");
    deepEqual(run.counts, { channels: 9, programmes: 2070, skipped: 0 });
  } finally {
    await t.close();
  }
});

Deno.test(
  "startEpgImport() keeps the previous guide when a refresh fails",
  opts,
  async () => {
    const t = await setup();
    const good = await Deno.readFile(new URL(FREEVIEW, DATA));
    const html = await Deno.readFile(new URL("edge/not_xmltv.html", DATA));
    let answer: () => Response = () => new Response(good);
    const up = serveLocal(() => answer());
    try {
      const epg = await t.epg({ url: up.url });
      equal((await t.importOnce(epg.id)).status, "ok");
      const before = await getEpg(t.kv, epg.id);
      const keysBefore = (await t.keys(epgProgrammesPrefix(epg.id))).length;
      const failures: [() => Response, RegExp][] = [
        [() => new Response(html, { headers: { "content-type": "text/html" } }), /HTML page/],
        [() => new Response("busy", { status: 503 }), /upstream answered 503/],
        [() => new Response("<tv></tv>"), /holds no programmes/],
        [() => new Response(good.subarray(0, 1000)), /ended before its first programme/],
      ];
      for (const [respond, message] of failures) {
        answer = respond;
        const run = await t.importOnce(epg.id);
        equal(run.status, "failed");
        match(run.error!, /^Cannot import guide "Guide": /);
        match(run.error!, message);
        const after = await getEpg(t.kv, epg.id);
        equal(after.generation, before.generation);
        equal((await t.keys(epgProgrammesPrefix(epg.id))).length, keysBefore);
        equal((await listEpgChannels(t.kv, after)).length, 9);
      }
    } finally {
      await up.close();
      await t.close();
    }
  },
);

Deno.test(
  "startEpgImport() fails a download cut short and keeps the previous guide",
  opts,
  async () => {
    const t = await setup();
    const good = await Deno.readFile(new URL(FREEVIEW, DATA));
    let cut = false;
    const up = serveLocal(() => {
      if (!cut) return new Response(good);
      // Promise the whole length, send half, then end the connection.
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(good.subarray(0, good.length >> 1));
          c.close();
        },
      });
      return new Response(body, { headers: { "content-length": String(good.length) } });
    });
    try {
      const epg = await t.epg({ url: up.url });
      equal((await t.importOnce(epg.id)).status, "ok");
      const gen = (await getEpg(t.kv, epg.id)).generation;
      cut = true;
      const run = await t.importOnce(epg.id);
      equal(run.status, "failed", JSON.stringify(run));
      equal((await getEpg(t.kv, epg.id)).generation, gen);
    } finally {
      await up.close();
      await t.close();
    }
  },
);

Deno.test("startEpgImport() keeps the complete programmes of a truncated file", opts, async () => {
  const t = await setup();
  try {
    const epg = await t.epg({ path: await t.local("edge/freeview_truncated.xml") });
    const run = await t.importOnce(epg.id);
    equal(run.status, "ok", run.error ?? "");
    equal(run.counts.programmes, 934);
    match(run.warnings.join("\n"), /truncated/);
  } finally {
    await t.close();
  }
});

Deno.test(
  "startEpgImport() merges repeated channel ids and keeps programmes of undeclared channels",
  opts,
  async () => {
    const t = await setup();
    try {
      const epg = await t.epg({ path: await t.local("edge/no_offset_crlf.xml") });
      const run = await t.importOnce(epg.id);
      equal(run.status, "ok", run.error ?? "");
      deepEqual(run.counts, { channels: 2, programmes: 5, skipped: 3 });
      const stored = await getEpg(t.kv, epg.id);
      const channels = await listEpgChannels(t.kv, stored);
      deepEqual(channels.map((c) => [c.id, c.displayNames]), [
        ["one.example", ["One", "Un"]],
        ["two.example", ["Two"]],
      ]);
      const ghost = await text(programmesXml(t.kv, stored, "ghost.example", "g", 0, 1e15));
      match(ghost, /^<programme channel="g" start="20260105100000 \+0000"/);
    } finally {
      await t.close();
    }
  },
);

Deno.test(
  "startEpgImport() splits a large channel-day into parts under the KV value limit",
  opts,
  async () => {
    const t = await setup();
    try {
      const day = Date.UTC(2026, 0, 5);
      let doc = '<tv><channel id="big"><display-name>Big</display-name></channel>';
      // 1,440 one-minute programmes with long Cyrillic descriptions (two bytes a character).
      for (let i = 1439; i >= 0; i--) {
        const start = new Date(day + i * 60_000).toISOString().replace(/\D/g, "").slice(0, 14);
        doc += `<programme start="${start} +0000" channel="big"><title>N${i}</title>` +
          `<desc>${"Описание ".repeat(30)}</desc></programme>`;
      }
      await Deno.writeTextFile(`${t.config.dataDir}/big.xml`, doc + "</tv>");
      const epg = await t.epg({ path: "big.xml" });
      const run = await t.importOnce(epg.id);
      equal(run.status, "ok", run.error ?? "");
      const parts = await t.keys(epgProgrammesPrefix(epg.id));
      assert(parts.length > 5, `${parts.length} parts`);
      const xml = await text(
        programmesXml(t.kv, await getEpg(t.kv, epg.id), "big", "big", day + 600_000, day + 1e6),
      );
      // 10:00 to 16:40 past midnight: programmes 10 to 16, in start order.
      deepEqual([...xml.matchAll(/<title>N(\d+)</g)].map((m) => Number(m[1])), [
        10,
        11,
        12,
        13,
        14,
        15,
        16,
      ]);
    } finally {
      await t.close();
    }
  },
);

Deno.test(
  "startEpgImport() measures long programmes in UTF-8 and skips one too large for a KV value",
  async () => {
    const t = await setup();
    try {
      // Three UTF-8 bytes a character: 5,000 fit in a part with their deflate, 12,000 do not.
      const doc = '<tv><channel id="jp"><display-name>JP</display-name></channel>' +
        `<programme start="20260105000000 +0000" channel="jp"><title>Short</title>` +
        `<desc>${"東".repeat(5_000)}</desc></programme>` +
        `<programme start="20260105010000 +0000" channel="jp"><title>Long</title>` +
        `<desc>${"京".repeat(12_000)}</desc></programme></tv>`;
      await Deno.writeTextFile(`${t.config.dataDir}/jp.xml`, doc);
      const epg = await t.epg({ path: "jp.xml" });
      const run = await t.importOnce(epg.id);
      equal(run.status, "ok", run.error ?? "");
      deepEqual(run.counts, { channels: 1, programmes: 1, skipped: 1 });
      match(run.warnings.join("\n"), /Skipped a programme of "jp" at 20260105010000 \+0000/);
      const xml = await text(programmesXml(t.kv, await getEpg(t.kv, epg.id), "jp", "jp", 0, 1e15));
      match(xml, /^<programme channel="jp" start="20260105000000 \+0000"><title>Short</);
    } finally {
      await t.close();
    }
  },
);

Deno.test(
  "startEpgImport() replaces the generation and collects the old one",
  opts,
  async () => {
    const t = await setup();
    try {
      const epg = await t.epg({ path: await t.local(FREEVIEW) });
      equal((await t.importOnce(epg.id)).status, "ok");
      const first = (await getEpg(t.kv, epg.id)).generation!;
      equal((await t.importOnce(epg.id)).status, "ok");
      const second = (await getEpg(t.kv, epg.id)).generation!;
      assert(first !== second);
      const gens = new Set((await t.keys(epgProgrammesPrefix(epg.id))).map((k) => k[2]));
      deepEqual([...gens], [second]);
    } finally {
      await t.close();
    }
  },
);

Deno.test("startEpgImport() runs one import of a guide at a time", opts, async () => {
  const t = await setup();
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  const body = await Deno.readFile(new URL(FREEVIEW, DATA));
  const up = serveLocal(async () => {
    await gate;
    return new Response(body);
  });
  try {
    const epg = await t.epg({ url: up.url });
    const first = await startEpgImport(t.kv, epg.id, { settings: t.config });
    await rejects(startEpgImport(t.kv, epg.id, { settings: t.config }), ConflictError);
    release();
    equal((await first.done).status, "ok");
    equal((await lastEpgRun(t.kv, epg.id))!.id, first.run.id);
  } finally {
    await up.close();
    await t.close();
  }
});

Deno.test("deleteEpg() removes every generation and run of a guide", opts, async () => {
  const t = await setup();
  try {
    const epg = await t.epg({ path: await t.local(FREEVIEW) });
    equal((await t.importOnce(epg.id)).status, "ok");
    await deleteEpg(t.kv, epg.id);
    const left: Deno.KvKey[] = [];
    for await (const e of t.kv.list({ prefix: [] })) {
      if (e.key.includes(epg.id)) left.push(e.key);
    }
    deepEqual(left, []);
  } finally {
    await t.close();
  }
});
