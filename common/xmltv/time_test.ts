import { deepEqual, equal } from "node:assert/strict";
import { canonicalXmltvTime, formatXmltvTime, parseXmltvTime } from "./time.ts";

Deno.test("parseXmltvTime() reads the canonical form with its offset", () => {
  deepEqual(parseXmltvTime("20260105060000 +0100"), {
    ms: Date.UTC(2026, 0, 5, 5),
    zoned: true,
    canonical: true,
  });
  equal(parseXmltvTime("20260105060000 -0430")!.ms, Date.UTC(2026, 0, 5, 10, 30));
});

Deno.test("parseXmltvTime() reads no offset as UTC and pads missing digits", () => {
  deepEqual(parseXmltvTime("20260105060000"), {
    ms: Date.UTC(2026, 0, 5, 6),
    zoned: false,
    canonical: false,
  });
  equal(parseXmltvTime("202601050630")!.ms, Date.UTC(2026, 0, 5, 6, 30));
  equal(parseXmltvTime("2026010506 +0000")!.ms, Date.UTC(2026, 0, 5, 6));
  equal(parseXmltvTime("202601")!.ms, Date.UTC(2026, 0, 1));
  equal(parseXmltvTime(" 20260105060000 +01:30 ")!.ms, Date.UTC(2026, 0, 5, 4, 30));
  equal(parseXmltvTime("20260105060000+02")!.ms, Date.UTC(2026, 0, 5, 4));
  equal(parseXmltvTime("20260105060000 CEST")!.ms, Date.UTC(2026, 0, 5, 4));
  equal(parseXmltvTime("20260105060000 XYZ")!.zoned, false);
});

Deno.test("parseXmltvTime() refuses text that is not a time", () => {
  for (
    const bad of ["", "tomorrow", "123", "20261305060000 +0000", "20260105 0800", "2026-01-05"]
  ) {
    equal(parseXmltvTime(bad), null, bad);
  }
});

Deno.test("canonicalXmltvTime() keeps canonical text and writes UTC otherwise", () => {
  equal(
    canonicalXmltvTime("20260105060000 +0100", parseXmltvTime("20260105060000 +0100")!),
    "20260105060000 +0100",
  );
  equal(
    canonicalXmltvTime("202601050600", parseXmltvTime("202601050600")!),
    "20260105060000 +0000",
  );
  equal(formatXmltvTime(Date.UTC(2026, 11, 31, 23, 59, 58)), "20261231235958 +0000");
});
