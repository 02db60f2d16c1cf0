/**
 * Writes a large, realistic XMLTV guide to disk for the guide benchmark, streaming it (never
 * held in memory): channels first, then each channel's programmes in time order, with the
 * fields real grabbers write (several titles, credits, categories, episode numbers, ratings,
 * icons, escaped ampersands, non-ASCII text).
 */

/** Shape of the generated guide. */
export interface GuideShape {
  channels: number;
  programmesPerChannel: number;
  seed?: number;
  /** When the first programme of every channel starts (epoch ms); 2026-01-05 05:00 UTC unless told. */
  startMs?: number;
}

const WORDS = (
  "news weather sport live report documentary nature history science travel kitchen garden " +
  "crime drama comedy family quiz show talk music concert film series episode special final " +
  "über straße größe märchen café señor niño déjà façade naïve Zürich Köln Malmö Ålesund"
).split(" ");
const CATEGORIES = ["News", "Sport", "Movie", "Series", "Documentary", "Kids", "Music", "Drama"];
const NAMES = ["Anna Berg", "Luis García", "Marie Dupont", "Jan Novák", "Olga Petrova", "Tom Ng"];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${
    p(d.getUTCMinutes())
  }00 +0000`;
}

/** Writes the guide to `path`; returns its size in bytes and the counts. */
export async function generateGuide(
  path: string,
  shape: GuideShape,
): Promise<{ bytes: number; channels: number; programmes: number }> {
  const rand = prng(shape.seed ?? 42);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)];
  const words = (n: number) => {
    let s = pick(WORDS);
    for (let i = 1; i < n; i++) s += " " + pick(WORDS);
    return s;
  };
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  let bytes = 0;
  const write = async (s: string) => {
    const b = enc.encode(s);
    bytes += b.length;
    let off = 0;
    while (off < b.length) off += await file.write(b.subarray(off));
  };
  try {
    let head = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tv SYSTEM "xmltv.dtd">\n' +
      '<tv generator-info-name="bench" generator-info-url="http://bench.invalid/">\n';
    for (let c = 0; c < shape.channels; c++) {
      head +=
        `  <channel id="ch${c}.bench">\n    <display-name lang="en">Channel ${c} ${
          pick(WORDS)
        }</display-name>\n    <display-name>${c}</display-name>\n` +
        `    <icon src="http://logos.bench.invalid/ch${c}.png" />\n` +
        `    <url>http://bench.invalid/ch${c}</url>\n  </channel>\n`;
      if (head.length > 65536) {
        await write(head);
        head = "";
      }
    }
    await write(head);
    const t0 = shape.startMs ?? Date.UTC(2026, 0, 5, 5, 0, 0);
    for (let c = 0; c < shape.channels; c++) {
      let out = "";
      let t = t0;
      for (let p = 0; p < shape.programmesPerChannel; p++) {
        const len = (15 + Math.floor(rand() * 8) * 15) * 60_000;
        const season = 1 + Math.floor(rand() * 9);
        const episode = 1 + Math.floor(rand() * 30);
        out +=
          `  <programme start="${stamp(t)}" stop="${stamp(t + len)}" channel="ch${c}.bench">\n` +
          `    <title lang="de">${words(2)}</title>\n` +
          (rand() < 0.4 ? `    <title lang="en">${words(2)}</title>\n` : "") +
          `    <sub-title lang="de">${words(2)}</sub-title>\n` +
          `    <desc lang="de">${words(6)} &amp; ${words(2)}.</desc>\n`;
        if (rand() < 0.3) {
          out += `    <credits>\n      <director>${pick(NAMES)}</director>\n` +
            `      <actor role="${pick(WORDS)}">${pick(NAMES)}</actor>\n` +
            `      <actor>${pick(NAMES)}</actor>\n    </credits>\n`;
        }
        out += `    <date>${2000 + Math.floor(rand() * 26)}</date>\n` +
          `    <category lang="en">${pick(CATEGORIES)}</category>\n` +
          (rand() < 0.3 ? `    <category lang="de">${pick(WORDS)}</category>\n` : "") +
          (rand() < 0.6 ? `    <icon src="http://img.bench.invalid/p/${c}/${p}.jpg" />\n` : "") +
          `    <episode-num system="xmltv_ns">${season - 1}.${episode - 1}.</episode-num>\n` +
          (rand() < 0.5
            ? `    <episode-num system="onscreen">S${season}E${episode}</episode-num>\n`
            : "");
        if (rand() < 0.3) {
          out +=
            `    <rating system="FSK">\n      <value>${pick(["0", "6", "12", "16"])}</value>\n` +
            `    </rating>\n`;
        }
        out += `  </programme>\n`;
        t += len;
      }
      await write(out);
    }
    await write("</tv>\n");
  } finally {
    file.close();
  }
  return {
    bytes,
    channels: shape.channels,
    programmes: shape.channels * shape.programmesPerChannel,
  };
}
