import { deepEqual, equal, ok } from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { deflateBound, deflatePiece, spliceGzip } from "./gzip.ts";

const enc = new TextEncoder();

async function decompressed(chunks: Uint8Array[]): Promise<Uint8Array> {
  const stream = new Blob(chunks as BlobPart[]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("spliceGzip() makes one gzip member of pieces compressed apart", async () => {
  const body = [
    enc.encode('<?xml version="1.0"?>\n<tv>'),
    enc.encode("<programme>Straße &amp; Café, 東京</programme>\n".repeat(500)),
    new Uint8Array(0),
    enc.encode("<programme>another</programme>\n".repeat(3)),
    enc.encode("</tv>\n"),
  ];
  const gz = spliceGzip(body, [
    deflatePiece(body[0]),
    deflatePiece(body[1]),
    deflatePiece(new Uint8Array([...body[2], ...body[3]]), 1),
    deflatePiece(body[4]),
  ]);
  const whole = new Uint8Array(body.reduce((n, c) => n + c.length, 0));
  body.reduce((at, c) => (whole.set(c, at), at + c.length), 0);
  // DecompressionStream fails on a second member (curl and Deno's fetch drop it): one member.
  deepEqual(await decompressed(gz), whole);
  deepEqual(new Uint8Array(gunzipSync(await new Blob(gz as BlobPart[]).bytes())), whole);
  const file = await Deno.makeTempFile({ suffix: ".gz" });
  try {
    await Deno.writeFile(file, await new Blob(gz as BlobPart[]).bytes());
    const out = await new Deno.Command("gzip", { args: ["-dc", file], stdout: "piped" }).output();
    ok(out.success);
    deepEqual(out.stdout, whole);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("spliceGzip() of an empty body is a valid empty gzip stream", async () => {
  equal((await decompressed(spliceGzip([], []))).length, 0);
  equal(
    (await decompressed(spliceGzip([new Uint8Array(0)], [deflatePiece(new Uint8Array(0))])))
      .length,
    0,
  );
});

Deno.test("deflatePiece() stays within deflateBound() on incompressible bytes", () => {
  const random = new Uint8Array(60_000);
  for (let i = 0; i < random.length; i += 65_536) {
    crypto.getRandomValues(random.subarray(i, i + 65_536));
  }
  const d = deflatePiece(random);
  ok(d.length > random.length, "random bytes do not compress");
  ok(d.length <= deflateBound(random.length), `${d.length} > ${deflateBound(random.length)}`);
  // A sync flush ends the piece: an empty stored block, byte-aligned.
  deepEqual([...d.subarray(d.length - 4)], [0, 0, 0xff, 0xff]);
});
