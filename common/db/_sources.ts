/** What the records of import sources (upstream playlists, guides) share when made and edited. */

/** The user agent an input names, or none (an empty choice of a form is none too). */
interface SourceInput {
  userAgentId?: string | null;
}

/** A new source's record: never imported yet. */
export function newSource<I extends SourceInput>(input: I, base: { id: string; now: string }) {
  return {
    id: base.id,
    ...input,
    userAgentId: input.userAgentId || null,
    createdAt: base.now,
    updatedAt: base.now,
    generation: null,
    lastImportedAt: null,
  };
}

/** A source's record after an edit: what an import wrote stays. */
export function editedSource<T, I extends SourceInput>(current: T, input: I, now: string): T {
  return { ...current, ...input, userAgentId: input.userAgentId || null, updatedAt: now };
}
