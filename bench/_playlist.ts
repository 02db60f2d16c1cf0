/** A generated, realistic M3U playlist for the import and search benchmarks (deterministic). */

// deno-fmt-ignore
const COUNTRIES = [
  "US", "UK", "CA", "AU", "DE", "FR", "ES", "IT", "NL", "BE", "PT", "BR", "MX", "AR", "IN", "PK",
  "TR", "PL", "RO", "GR", "SE", "NO", "DK", "FI", "IE",
];
// deno-fmt-ignore
const CATEGORIES = [
  "News", "Sports", "Movies", "Series", "Kids", "Music", "Documentary", "Entertainment",
  "Lifestyle", "Religious", "Business", "Weather", "Cooking", "Travel", "Comedy", "Classic",
  "Science", "Shopping", "Local", "Events",
];
// deno-fmt-ignore
const BRANDS = [
  "Alpha", "Atlas", "Aurora", "Beacon", "Blue", "Bright", "Capital", "Central", "Channel",
  "City", "Coast", "Crown", "Delta", "Eagle", "Echo", "Empire", "Falcon", "First", "Galaxy",
  "Global", "Golden", "Harbor", "Horizon", "Impact", "Infinity", "Jet", "Liberty", "Lion",
  "Metro", "Nation", "Nova", "Ocean", "Omega", "Orbit", "Pacific", "Phoenix", "Pioneer",
  "Planet", "Prime", "Pulse", "Quest", "Radiant", "Royal", "Sky", "Star", "Summit", "Sun",
  "Titan", "Unity", "Vista",
];
const QUALITIES = ["", "", " HD", " FHD", " SD", " 4K"];

/** A word found in only a handful of channel names, for the "rare word" search. */
export const RARE_WORD = "Zanzibar";
/** A word found in about one channel of twenty (the News category), for the "common word" search. */
export const COMMON_WORD = "News";
/** How many groups the generated playlist spreads its channels over. */
export const GROUP_COUNT = COUNTRIES.length * CATEGORIES.length;

/** Generates `count` entries with tvg-id, tvg-name, tvg-logo, group-title and http URLs. */
export function generatePlaylist(count = 100_000): Uint8Array<ArrayBuffer> {
  let seed = 0x1234abcd;
  // mulberry32: a tiny seeded PRNG, so every run imports the same file.
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lines: string[] = ['#EXTM3U url-tvg="http://epg.example.net/guide.xml.gz"'];
  for (let i = 0; i < count; i++) {
    const country = COUNTRIES[Math.floor(rand() * COUNTRIES.length)];
    const category = CATEGORIES[Math.floor(rand() * CATEGORIES.length)];
    // Every 20,000th channel carries the rare word instead of a common brand.
    const brand = i % 20_000 === 7_777 ? RARE_WORD : BRANDS[Math.floor(rand() * BRANDS.length)];
    const quality = QUALITIES[Math.floor(rand() * QUALITIES.length)];
    const n = i + 1;
    const name = `${country}: ${brand} ${category} ${n % 1000}${quality}`;
    const tvgId = `${brand}${n}.${country.toLowerCase()}`;
    lines.push(
      `#EXTINF:-1 tvg-id="${tvgId}" tvg-name="${brand} ${category}" ` +
        `tvg-logo="http://img.example.net/l/${n}.png" ` +
        `group-title="${country} | ${category}",${name}`,
      `http://line.example.net/u7/p7/${100_000 + n}.ts`,
    );
  }
  lines.push("");
  return new TextEncoder().encode(lines.join("\n"));
}
