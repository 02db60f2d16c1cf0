/**
 * M3U/M3U8 playlists: an incremental parser (text or byte streams, UTF-8 with a windows-1252
 * fallback) and a writer that round-trips what the parser reads.
 *
 * @module
 */

export { M3uParser, parseM3uStream, parseM3uText } from "./parser.ts";
export type { M3uParserOptions, M3uStreamOptions } from "./parser.ts";
export { writeM3u, writeM3uEntry } from "./writer.ts";
export type { M3uEntry, M3uHeader, M3uIssue, M3uSummary } from "./types.ts";
