import { equal } from "node:assert/strict";
import { imageTypeOf, sniffImageType } from "./_image_type.ts";

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(
    parts.flatMap((p) => typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p),
  );

Deno.test("sniffImageType() knows png, jpeg, gif, webp, ico, avif and svg by their first bytes", () => {
  equal(sniffImageType(bytes("\x89PNG\r\n\x1a\n", [0, 0, 0, 13])), "image/png");
  equal(sniffImageType(bytes([0xff, 0xd8, 0xff, 0xe0], "JFIF")), "image/jpeg");
  equal(sniffImageType(bytes("GIF89a", [1, 0, 1, 0])), "image/gif");
  equal(sniffImageType(bytes("RIFF", [36, 0, 0, 0], "WEBPVP8 ")), "image/webp");
  equal(sniffImageType(bytes([0, 0, 1, 0, 1, 0, 16, 16])), "image/x-icon");
  equal(sniffImageType(bytes([0, 0, 0, 28], "ftypavif")), "image/avif");
  equal(sniffImageType(bytes('\ufeff<?xml version="1.0"?>\n<!-- x -->\n<svg xmlns="">')), null);
  const svg = new TextEncoder().encode(
    '\ufeff<?xml version="1.0"?>\n<!-- logo -->\n<svg width="1"/>',
  );
  equal(sniffImageType(svg), "image/svg+xml");
  equal(sniffImageType(new TextEncoder().encode("<!doctype html><html><svg></svg>")), null);
  equal(sniffImageType(bytes("hello")), null);
});

Deno.test("imageTypeOf() believes an unknown image type unless the bytes are markup or a known type lies", () => {
  equal(imageTypeOf(bytes("BM", [0, 0, 0, 0]), "image/bmp"), "image/bmp");
  equal(imageTypeOf(new TextEncoder().encode("\ufeff  <html>"), "image/bmp"), null);
  equal(imageTypeOf(bytes("not svg"), "image/svg+xml"), null);
  equal(imageTypeOf(bytes("GIF89a"), "text/html"), "image/gif");
  equal(imageTypeOf(bytes("plain"), "image/png"), null, "a png without the png signature");
  equal(imageTypeOf(bytes("plain"), "image/x-<script>"), null);
  equal(imageTypeOf(bytes("plain"), ""), null);
});
