import assert from "node:assert/strict";
import { parseM3uStream, parseM3uText } from "./parser.ts";
import {
  chunkedStream,
  iptvOrgFiles,
  parseStreamFully,
  readPlaylistBytes,
  REAL_PLAYLISTS,
} from "./_testing.ts";

const utf8 = new TextDecoder();
const encoder = new TextEncoder();

function cp1252(text: string): Uint8Array {
  // Only the characters these tests use: Latin-1 code points plus the euro sign (0x80).
  return Uint8Array.from(text, (ch) => (ch === "€" ? 0x80 : ch.charCodeAt(0)));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

Deno.test("parseM3uStream() over 7-byte chunks gives the same result as parseM3uText() for every real playlist", async () => {
  const files = [...REAL_PLAYLISTS.map(([file]) => file), ...iptvOrgFiles()];
  for (const file of files) {
    const bytes = readPlaylistBytes(file);
    const expected = parseM3uText(utf8.decode(bytes));
    const { batches: _, ...streamed } = await parseStreamFully(chunkedStream(bytes, 7));
    assert.deepEqual(streamed, expected, file);
  }
});

Deno.test("parseM3uStream() gives the same result for edge fixtures whatever the chunk size", async () => {
  const files = ["bom", "crlf_mixed", "no_header", "repeated_header", "attributes", "directives"];
  for (const name of files) {
    const bytes = readPlaylistBytes(`edge/${name}.m3u`);
    const expected = parseM3uText(utf8.decode(bytes));
    for (const size of [1, 2, 3, 5, 7, 64, 1 << 16]) {
      const { batches: _, ...streamed } = await parseStreamFully(chunkedStream(bytes, size));
      assert.deepEqual(streamed, expected, `${name} in chunks of ${size}`);
    }
  }
});

Deno.test("parseM3uStream() decodes a windows-1252 file as windows-1252", async () => {
  const bytes = readPlaylistBytes("edge/latin1.m3u");
  const expected = parseM3uText(new TextDecoder("windows-1252").decode(bytes));
  for (const size of [1, 7, 1024]) {
    const { batches: _, ...streamed } = await parseStreamFully(chunkedStream(bytes, size));
    assert.deepEqual(streamed, expected);
    assert.equal(streamed.entries[0].name, "Télé 5 – Prix 5 €");
  }
});

Deno.test("parseM3uStream() keeps the UTF-8 part and falls back to windows-1252 from the first invalid byte", async () => {
  const bytes = concat(
    encoder.encode("\ufeff#EXTM3U\n#EXTINF:-1,Ünïcode ✓ 📺\nhttp://s.example/a\n"),
    cp1252("#EXTINF:-1,Télé €\nhttp://s.example/b\n"),
    encoder.encode("#EXTINF:-1,Ã©\nhttp://s.example/c\n"),
  );
  for (const size of [1, 2, 3, 4, 7, 4096]) {
    const r = await parseStreamFully(chunkedStream(bytes, size));
    // The UTF-8 bytes after the switch read as windows-1252 too: "Ã©" is C3 83 C2 A9: "ÃƒÂ©".
    assert.deepEqual(r.entries.map((e) => e.name), ["Ünïcode ✓ 📺", "Télé €", "ÃƒÂ©"], `${size}`);
    assert.ok(r.sawExtM3u);
  }
});

Deno.test("parseM3uStream() reads a trailing incomplete UTF-8 sequence as windows-1252", async () => {
  const bytes = concat(encoder.encode("#EXTINF:-1,Caf"), Uint8Array.of(0xc3));
  const r = await parseStreamFully(chunkedStream(bytes, 3));
  assert.equal(r.orphans, 1);
  assert.deepEqual(r.issues, [{ line: 1, message: "#EXTINF without a URL" }]);
  const url = await parseStreamFully(
    chunkedStream(concat(encoder.encode("http://x/"), Uint8Array.of(0xe9)), 4),
  );
  assert.equal(url.entries[0].url, "http://x/é");
});

Deno.test("parseM3uStream() yields batches of batchSize entries and returns the summary", async () => {
  const bytes = readPlaylistBytes("fanmingming_radio-index.m3u");
  const r = await parseStreamFully(chunkedStream(bytes, 4096), 100);
  assert.deepEqual(r.batches, [100, 100, 100, 100, 50]);
  assert.equal(r.orphans, 3);
  assert.equal(r.issues.length, 3);
  assert.ok(r.sawExtM3u);
  assert.deepEqual(r.header.attrs, {});
});

Deno.test("parseM3uStream() cancels the body when the consumer stops early", async () => {
  let cancelled = false;
  const line = encoder.encode("#EXTINF:-1,X\nhttp://s.example/x\n");
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(line); // an endless playlist
    },
    cancel() {
      cancelled = true;
    },
  });
  let seen = 0;
  for await (const batch of parseM3uStream(body, { batchSize: 10 })) {
    seen += batch.length;
    if (seen >= 30) break;
  }
  assert.equal(seen, 30);
  assert.ok(cancelled);
});

Deno.test("parseM3uStream() keeps the heap flat while a 60 MB playlist streams through", async () => {
  const lines = Array.from(
    { length: 500 },
    (_, i) =>
      `#EXTINF:-1 tvg-id="ch${i}.example" group-title="Group ${i % 7}",Channel ${i} 📺\n` +
      `http://stream.example/live/${i}/index.m3u8\n`,
  );
  const block = encoder.encode(lines.join(""));
  const total = 60_000_000;
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      controller.enqueue(block.slice());
      sent += block.length;
    },
  });
  const before = Deno.memoryUsage().heapUsed;
  let peak = 0;
  let entries = 0;
  for await (const batch of parseM3uStream(body)) {
    entries += batch.length;
    peak = Math.max(peak, Deno.memoryUsage().heapUsed - before);
  }
  assert.equal(entries, Math.ceil(total / block.length) * 500);
  // Holding the text alone would take 120 MB (UTF-16); batches are dropped as they come.
  assert.ok(peak < 60_000_000, `heap grew by ${Math.round(peak / 1e6)} MB`);
});
