/**
 * Writes the multiscript fixtures (deterministic): a playlist and two guides in Japanese,
 * Chinese, Greek and Russian, with names, titles and descriptions of ~2 KB (UTF-8), long
 * attributes and ids, and a guide channel with 500 programmes in one UTC day. V8 stores such
 * text two bytes a character (and ASCII cut out of it too): sized by `string.length`, a real
 * guide like this overflowed KV's 800 KiB commit limit.
 * Run: deno run -W testing/multiscript_fixtures.ts
 */

/** Sentences of each script, joined at random into texts of a given size. */
const SENTENCES: Record<string, string[]> = {
  ja: [
    "今夜のニュースでは、全国の天気と交通情報を詳しくお伝えします。",
    "北海道から沖縄まで、各地の祭りと伝統行事を訪ねる旅番組です。",
    "人気の料理人が、旬の野菜を使った家庭料理を紹介します。",
    "プロ野球の試合結果と、注目選手へのインタビューをお届けします。",
    "古都・京都の寺院と庭園を、四季の映像とともに巡ります。",
    "深海に暮らす生き物の不思議な生態に迫るドキュメンタリー。",
    "子どもたちに大人気のアニメ、第十二話「星空の約束」。",
    "経済の専門家が、為替と株式市場の動きをわかりやすく解説します。",
  ],
  zh: [
    "今晚的新闻联播将为您详细报道全国各地的天气和交通情况。",
    "这部纪录片带您走进长江沿岸的古镇，感受千年的历史文化。",
    "著名厨师为您介绍用时令蔬菜制作的家常菜和地方小吃。",
    "体育频道直播足球联赛，并邀请专家进行赛后点评与分析。",
    "探索热带雨林中珍稀动物的生活习性和生存挑战。",
    "少儿节目：小熊和朋友们在森林里的奇妙冒险，第八集。",
    "财经专家解读股票市场与人民币汇率的最新走势。",
    "电视剧《山河故人》讲述三代人跨越半个世纪的家族故事。",
  ],
  el: [
    "Στις ειδήσεις της βραδιάς παρουσιάζουμε τον καιρό και την κίνηση στους δρόμους.",
    "Ένα ταξίδι στα νησιά του Αιγαίου, από τη Νάξο μέχρι τη Σαντορίνη.",
    "Γνωστός σεφ μαγειρεύει παραδοσιακές συνταγές με λαχανικά της εποχής.",
    "Ζωντανή μετάδοση του αγώνα ποδοσφαίρου και σχολιασμός από ειδικούς.",
    "Ντοκιμαντέρ για την αρχαία Ολυμπία και τους πρώτους αγώνες.",
    "Παιδική σειρά κινουμένων σχεδίων, επεισόδιο δέκατο τρίτο: «Το χαμένο αστέρι».",
    "Οικονομολόγοι εξηγούν τις εξελίξεις στο χρηματιστήριο και στις αγορές.",
    "Μουσική βραδιά με ρεμπέτικα τραγούδια από τη δεκαετία του πενήντα.",
  ],
  ru: [
    "В вечернем выпуске новостей подробно о погоде и ситуации на дорогах.",
    "Путешествие по Золотому кольцу: древние города, храмы и монастыри.",
    "Известный шеф-повар готовит домашние блюда из сезонных овощей.",
    "Прямая трансляция хоккейного матча и комментарии экспертов после игры.",
    "Документальный фильм о жизни обитателей озера Байкал.",
    "Мультсериал для детей, серия двадцатая: «Тайна старого маяка».",
    "Экономисты объясняют, что происходит с курсом рубля и биржевыми индексами.",
    "Концерт симфонического оркестра: Чайковский, Рахманинов и Прокофьев.",
  ],
};
const SCRIPTS = ["ja", "zh", "el", "ru"] as const;
const COUNTRY: Record<string, string> = { ja: "JP", zh: "CN", el: "GR", ru: "RU" };
const EXTRAS = [" 📺", " & ", " «HD»", " 🎬⚽️"];

const utf8 = new TextEncoder();

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

const rand = prng(20260105);

/** Text in `script` of at most `bytes` bytes of UTF-8 (whole characters), near that size. */
function text(script: string, bytes: number): string {
  const list = SENTENCES[script];
  let out = "";
  while (utf8.encode(out).length < bytes) {
    out += list[Math.floor(rand() * list.length)];
    if (rand() < 0.2) out += EXTRAS[Math.floor(rand() * EXTRAS.length)];
  }
  const chars = Array.from(out);
  while (utf8.encode(chars.join("")).length > bytes) chars.pop();
  return chars.join("").trim();
}

function hex(n: number): string {
  let s = "";
  while (s.length < n) s += Math.floor(rand() * 0x100000000).toString(16).padStart(8, "0");
  return s.slice(0, n);
}

function escapeXml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** An XMLTV time: yyyyMMddHHmmss +0000. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14) + " +0000";
}

/** 256 channels, 64 a script: ~2 KB names, long URLs and attributes, a 2 KiB+ group title. */
function playlist(): string {
  const lines = ['#EXTM3U x-tvg-url="http://example.invalid/epg/multiscript.xml.gz"'];
  for (const script of SCRIPTS) {
    const groups = Array.from({ length: 4 }, (_, n) => `${n + 1}. ${text(script, 60)}`);
    // A group title longer than a KV key can hold (2 KiB of UTF-8).
    groups.push(text(script, 2_400));
    for (let i = 0; i < 64; i++) {
      const id = `${script}.${String(i).padStart(3, "0")}.example`;
      const group = groups[i % 16 === 15 ? 4 : i % 4];
      const token = hex(i % 8 === 0 ? 1_200 : 400);
      const attrs = [
        `tvg-id="${id}"`,
        `tvg-name="${text(script, i % 8 === 0 ? 2_000 : 120).replaceAll('"', "'")}"`,
        `tvg-logo="http://example.invalid/logos/${script}/${i}.png?size=large&v=${hex(64)}"`,
        `tvg-country="${COUNTRY[script]}"`,
        `group-title="${group.replaceAll('"', "'")}"`,
        `catchup="default"`,
        `catchup-source="http://example.invalid/catchup/${id}/{utc}-{lutc}.m3u8?token=${token}"`,
      ];
      lines.push(`#EXTINF:-1 ${attrs.join(" ")},${text(script, 2_000)}`);
      if (i % 3 === 0) lines.push(`#EXTVLCOPT:http-user-agent=Mozilla/5.0 (${script}) Kodi/21.0`);
      if (i % 5 === 0) lines.push(`#KODIPROP:inputstream.adaptive.manifest_type=hls`);
      lines.push(`http://example.invalid/${script}/live/${i}/index.m3u8?token=${hex(200)}`);
    }
  }
  return lines.join("\n") + "\n";
}

const DAY_MS = 86_400_000;
/** 2026-01-05T00:00:00Z */
const DAY0 = 20_458 * DAY_MS;

function channelXml(id: string, script: string, i: number): string {
  const names = [
    `    <display-name lang="${script}">${escapeXml(text(script, 2_000))}</display-name>`,
    `    <display-name lang="en">${escapeXml(`${script.toUpperCase()} ${i} ${text(script, 60)}`)}` +
    `</display-name>`,
  ];
  return [
    `  <channel id="${escapeXml(id)}">`,
    ...names,
    `    <icon src="http://example.invalid/logos/${script}/${i}.png?token=${hex(400)}"/>`,
    `    <url>http://example.invalid/${script}/${i}/about</url>`,
    `  </channel>`,
  ].join("\n");
}

function programmeXml(
  channel: string,
  script: string,
  start: number,
  stop: number,
  o: { title: number; desc: number },
): string {
  return [
    `  <programme start="${stamp(start)}" stop="${stamp(stop)}" channel="${escapeXml(channel)}">`,
    `    <title lang="${script}">${escapeXml(text(script, o.title))}</title>`,
    `    <sub-title lang="${script}">${escapeXml(text(script, 80))}</sub-title>`,
    `    <desc lang="${script}">${escapeXml(text(script, o.desc))}</desc>`,
    `    <category lang="en">News</category>`,
    `  </programme>`,
  ].join("\n");
}

/**
 * A channel id of the guide: every eighth one near the importer's 500 characters (up to 1.4 KB
 * of UTF-8 in every programme key of the channel).
 */
function guideId(script: string, i: number): string {
  const base = `${script}.${String(i).padStart(3, "0")}.example`;
  if (i % 8 !== 7) return base;
  let id = guideIds.get(base);
  if (!id) {
    guideIds.set(base, id = `${base}.${Array.from(text(script, 1_500)).slice(0, 460).join("")}`);
  }
  return id;
}

const guideIds = new Map<string, string>();

/**
 * 160 channels, 40 a script, with ~2 KB display names and long icon URLs; each has three
 * programmes on two days, the first of one channel in four with ~2 KB title and description.
 */
function guide(): string {
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!DOCTYPE tv SYSTEM "xmltv.dtd">`,
    `<tv generator-info-name="multiscript fixture">`,
  ];
  for (const script of SCRIPTS) {
    for (let i = 0; i < 40; i++) out.push(channelXml(guideId(script, i), script, i));
  }
  for (const script of SCRIPTS) {
    for (let i = 0; i < 40; i++) {
      const big = { title: 2_000, desc: 2_000 };
      const small = { title: 100, desc: 200 };
      const id = guideId(script, i);
      // 23:00 to 01:00 and on: programmes on two UTC days.
      const at = DAY0 + 23 * 3_600_000;
      out.push(programmeXml(id, script, at, at + 3_600_000, i % 4 === 0 ? big : small));
      out.push(programmeXml(id, script, at + 3_600_000, at + 7_200_000, small));
      out.push(programmeXml(id, script, at + 7_200_000, at + 9_000_000, small));
    }
  }
  out.push(`</tv>`);
  return out.join("\n") + "\n";
}

/** One channel (with a long id) and 500 programmes in one UTC day, titles in every script. */
function busyDay(): string {
  const id = `ja.busy.example.${text("ja", 200)}`;
  const out = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<tv generator-info-name="multiscript fixture">`,
    channelXml(id, "ja", 0),
  ];
  // 172.8 s apart: 500 programmes from 00:00 to 23:57 UTC.
  for (let i = 0; i < 500; i++) {
    const script = SCRIPTS[i % 4];
    const start = DAY0 + i * 172_800;
    out.push(programmeXml(id, script, start, start + 172_800, { title: 160, desc: 420 }));
  }
  out.push(`</tv>`);
  return out.join("\n") + "\n";
}

if (import.meta.main) {
  const root = new URL("../testdata/", import.meta.url);
  const files: [string, string][] = [
    ["m3u/edge/multiscript.m3u", playlist()],
    ["xmltv/edge/multiscript.xml", guide()],
    ["xmltv/edge/multiscript_busy_day.xml", busyDay()],
  ];
  for (const [path, body] of files) {
    await Deno.writeTextFile(new URL(path, root), body);
    console.log(`${path}: ${utf8.encode(body).length} bytes`);
  }
}
