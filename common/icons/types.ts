/** The stored shape of a cached icon, and the limits every icon obeys. */
import { z } from "zod";

/** Largest icon fetched or uploaded: 1 MiB. Channel logos are a few KiB; more is a mistake. */
export const MAX_ICON_BYTES = 1024 * 1024;

/** State of an icon's last fetch: queued or running, stored, or failed. */
export const IconStatus = z.enum(["pending", "ok", "failed"]);
/** State of an icon's last fetch. */
export type IconStatus = z.infer<typeof IconStatus>;

/**
 * A channel icon known by its source URL. `contentType`, `size`, `etag` and `fetchedAt`
 * describe the stored copy (all null when there is none); `status`, `error` and `attemptedAt`
 * describe the last fetch. A failed re-fetch keeps serving the copy it already had.
 */
export const Icon = z.object({
  /** ULID; opaque, it appears in the public icon URL. */
  id: z.string(),
  sourceUrl: z.string(),
  status: IconStatus,
  contentType: z.string().nullable(),
  size: z.number().int().nullable(),
  /** Hex SHA-256 of the stored bytes. */
  etag: z.string().nullable(),
  fetchedAt: z.string().nullable(),
  attemptedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** True when the admin uploaded the copy; re-registration never replaces it. */
  uploaded: z.boolean(),
  createdAt: z.string(),
});
/** A channel icon known by its source URL. */
export type Icon = z.infer<typeof Icon>;

/** A filter over the icon list. */
export interface IconFilter {
  status?: IconStatus;
  /** Substring of the source URL (case-insensitive). */
  q?: string;
}

/** One page of icons plus the total count of matches. */
export interface IconPage {
  items: Icon[];
  total: number;
  offset: number;
  nextOffset: number | null;
}
