/**
 * The change feed: one revision counter per topic, bumped in the same atomic commit as the
 * change it announces. Caches and outputs remember the versionstamps of the topics they were
 * built from and are stale as soon as one differs; other processes learn of changes by watching
 * the same keys (common/kv/watch.ts). Fast-changing liveness data (heartbeats, byte counters)
 * has no topic: nothing that a device loads depends on it.
 */
import { revisionKey } from "../db/keys.ts";

/** What a change can touch. */
export const TOPICS = [
  /** downstream playlists: settings, groups, filters, numbering, tokens, enabled */
  "downstreams",
  /** upstream playlists, their groups and channels (imports, edits, enable/disable) */
  "channels",
  /** admin overrides of channels and groups, manual guide mappings */
  "overrides",
  /** upstream guides: settings and imported generations */
  "guides",
  /** proxy servers' addresses (not their heartbeats) */
  "proxies",
  /** the icon cache: an icon newly cached, re-fetched or deleted */
  "icons",
  /** admin users and API tokens (remembered credentials are forgotten on a change) */
  "users",
  /** viewer sessions started, ended or asked to end (not their byte counters) */
  "sessions",
] as const;

/** One topic of the change feed. */
export type Topic = typeof TOPICS[number];

/** Versionstamps of topics (null: never bumped). */
export type Stamps = Record<Topic, string | null>;

/** The KV key of a topic's revision counter. */
export function topicKey(topic: Topic): Deno.KvKey {
  return revisionKey(topic);
}

/** Adds the revision bumps of `topics` to an atomic operation; answers the same operation. */
export function bump(op: Deno.AtomicOperation, ...topics: Topic[]): Deno.AtomicOperation {
  for (const t of topics) op.sum(topicKey(t), 1n);
  return op;
}

/**
 * Checks that make a commit fail unless `topics` are still at `stamps`: a write that depends on
 * what a cache said (a stream started for a playlist member) is made only if nothing it was
 * checked against changed meanwhile, without reading the revision keys first.
 */
export function topicChecks(
  stamps: Readonly<Stamps>,
  topics: readonly Topic[],
): Deno.AtomicCheck[] {
  return topics.map((t) => ({ key: topicKey(t), versionstamp: stamps[t] }));
}

/** A commit failed because topics it was checked against moved on: read again and retry. */
export class StaleStampsError extends Error {
  override name = "StaleStampsError";
}

/** Throws StaleStampsError if one of `checks` no longer holds (after a failed commit). */
export async function assertChecksHold(kv: Deno.Kv, checks: Deno.AtomicCheck[]): Promise<void> {
  if (!checks.length) return;
  const now = await kv.getMany(checks.map((c) => c.key));
  if (now.some((e, i) => e.versionstamp !== checks[i].versionstamp)) {
    throw new StaleStampsError("What the request was checked against changed");
  }
}

/** Bumps topics in a commit of their own (for changes that live outside KV, like icon files). */
export async function bumpNow(kv: Deno.Kv, ...topics: Topic[]): Promise<void> {
  await bump(kv.atomic(), ...topics).commit();
}

/** Reads the current versionstamps of every topic (one getMany). */
export async function readStamps(kv: Deno.Kv): Promise<Stamps> {
  const entries = await kv.getMany(TOPICS.map(topicKey));
  const out = {} as Stamps;
  TOPICS.forEach((t, i) => out[t] = entries[i].versionstamp);
  return out;
}
