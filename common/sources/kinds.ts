/**
 * The two kinds of import source, upstream playlists and guides, as the run lifecycle sees
 * them: where a source, its runs and its lease live, and which key prefixes hold a generation.
 */
import {
  channelsOfPlaylistPrefix,
  channelsPrefix,
  epgChannelsPrefix,
  epgGenerationKey,
  epgGenerationsPrefix,
  epgImportLockKey,
  epgImportRunKey,
  epgImportRunsPrefix,
  epgKey,
  epgProgrammesPrefix,
  epgsPrefix,
  importLockKey,
  importRunKey,
  importRunsPrefix,
  upstreamPlaylistKey,
  upstreamPlaylistsPrefix,
} from "../db/keys.ts";
import type { Topic } from "../kv/revisions.ts";

/** What the lifecycle reads of a source: its id, its name and the generation in use. */
export interface SourceRef {
  id: string;
  name: string;
  generation: string | null;
}

/** A kind of import source and the keys of its sources, runs, leases and generations. */
export interface SourceKind {
  /** How messages name a source of this kind: `Cannot import ${noun} "Sports": …`. */
  noun: string;
  /** The change-feed topic bumped when a source of this kind switches or loses a generation. */
  topic: Topic;
  sourceKey(id: string): Deno.KvKey;
  sourcesPrefix(): Deno.KvKey;
  leaseKey(id: string): Deno.KvKey;
  runKey(id: string, runId: string): Deno.KvKey;
  /** One source's runs (ULIDs: oldest first), or every source's without an id. */
  runsPrefix(id?: string): Deno.KvKey;
  /** Prefixes whose next key part is a source id, then a generation id. */
  generationRoots(): Deno.KvKey[];
  /** Every key of one generation lies under, or is, one of these. */
  generationKeys(id: string, generation: string): Deno.KvKey[];
  /**
   * The generation's marker, where the run that replaced it notes until when readers may still
   * need it (`{ keepUntil }`); none for kinds whose old generations go at once.
   */
  markerKey?(id: string, generation: string): Deno.KvKey;
}

/** One source of a kind: what the collector and the reconciler act on. */
export interface SourceOf {
  kind: SourceKind;
  sourceId: string;
}

/** One generation of one source. */
export interface GenerationOf extends SourceOf {
  generation: string;
}

/** Upstream playlists: one generation is a set of channel chunks. */
export const PLAYLISTS: SourceKind = {
  noun: "playlist",
  topic: "channels",
  sourceKey: upstreamPlaylistKey,
  sourcesPrefix: upstreamPlaylistsPrefix,
  leaseKey: importLockKey,
  runKey: importRunKey,
  runsPrefix: importRunsPrefix,
  generationRoots: () => [channelsOfPlaylistPrefix()],
  generationKeys: (id, generation) => [channelsPrefix(id, generation)],
};

/** Upstream guides: one generation is a marker, channel records and programme parts. */
export const GUIDES: SourceKind = {
  noun: "guide",
  topic: "guides",
  sourceKey: epgKey,
  sourcesPrefix: epgsPrefix,
  leaseKey: epgImportLockKey,
  runKey: epgImportRunKey,
  runsPrefix: epgImportRunsPrefix,
  generationRoots: () => [epgProgrammesPrefix(), epgChannelsPrefix(), epgGenerationsPrefix()],
  // The marker goes last: a deletion cut short still leaves the generation findable.
  generationKeys: (id, generation) => [
    epgProgrammesPrefix(id, generation),
    epgChannelsPrefix(id, generation),
    epgGenerationKey(id, generation),
  ],
  markerKey: epgGenerationKey,
};

/** Both kinds, playlists first. */
export const SOURCE_KINDS: readonly SourceKind[] = [PLAYLISTS, GUIDES];
