/** How channel names are shortened for placeholders and first searches. */

/** Initials of a name for the placeholder: "BBC One" → "BO", "日テレ" → "日テ". */
export function initials(name: string): string {
  // Tags like "[JP]" or "(HD)" say little about the channel: its words tell it apart.
  const words = name.replace(/\[[^\]]*\]|\([^)]*\)/g, " ").split(/\s+/)
    .map((w) => w.replace(/[^\p{L}\p{N}]/gu, "")).filter(Boolean);
  const chars = words.length > 1
    ? words.slice(0, 2).map((w) => [...w][0])
    : [...(words[0] ?? "")].slice(0, 2);
  return chars.join("").toUpperCase();
}

/**
 * What the first search looks for: the channel's name without tags like "[JP]" or "(backup)"
 * and quality words, which guides seldom carry ("BBC One HD" is "BBC One" in most guides).
 */
export function searchTerm(name: string): string {
  const bare = name.replace(/\[[^\]]*\]|\([^)]*\)/g, " ")
    .replace(/\b(?:hd|fhd|uhd|sd|4k|hevc|h\.?265)\b/gi, " ")
    .replace(/\s+/g, " ").trim();
  return bare || name.trim();
}
