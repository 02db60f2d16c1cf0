/** Conditional requests of the JSON API: versions travel as ETag and If-Match. */

/**
 * The version an If-Match header names (RFC 9110 §13.1.1): undefined without one or for `*`,
 * null for `""` (the client saw no stored version).
 */
export function ifMatch(header: string | undefined): string | null | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  return header.trim().replace(/^W\//, "").replace(/^"|"$/g, "") || null;
}

/** The ETag header value of a version (none for null: nothing stored). */
export function etagOf(version: string | null): string | undefined {
  return version ? `"${version}"` : undefined;
}

/** Sets the ETag header of a version on the answer; none for null (nothing stored). */
export function setEtag(
  c: { header(name: string, value: string): void },
  version: string | null,
): void {
  const etag = etagOf(version);
  if (etag) c.header("etag", etag);
}
