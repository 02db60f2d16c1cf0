/**
 * Zod schemas of upstream guides (XMLTV EPGs) and their import runs. `z` comes from
 * @hono/zod-openapi so the same schemas describe the API document.
 */
import { z } from "@hono/zod-openapi";
import { checkSource, urlSegmentName } from "../schemas.ts";
import { importRunSchema } from "../schemas.ts";

const id = z.string().min(1).max(64);
const isoDate = z.string();

/** Input to create or replace an upstream guide: an http(s) URL or a path inside DATA_DIR. */
export const EpgInput = z.object({
  // Devices load a whole guide as /manager/get/epg/<name>.
  name: urlSegmentName(),
  url: z.string().trim().max(4000).optional().default(""),
  path: z.string().trim().max(1000).optional().default(""),
  userAgentId: z.string().max(64).nullable().optional().default(null),
  refreshMinutes: z.number().int().min(0).max(525_600).optional().default(1440),
  enabled: z.boolean().optional().default(true),
}).superRefine(checkSource).openapi("EpgInput");
/** Input to create or replace an upstream guide. */
export type EpgInput = z.infer<typeof EpgInput>;

/** A stored upstream guide. */
export const Epg = z.object({
  id,
  name: z.string(),
  url: z.string(),
  path: z.string(),
  userAgentId: z.string().nullable(),
  refreshMinutes: z.number().int(),
  enabled: z.boolean(),
  createdAt: isoDate,
  updatedAt: isoDate,
  /** Generation of channels and programmes in use; null before the first completed import. */
  generation: z.string().nullable(),
  lastImportedAt: isoDate.nullable(),
}).openapi("Epg");
/** A stored upstream guide. */
export type Epg = z.infer<typeof Epg>;

/** Counts a guide import reports. */
export const EpgImportCounts = z.object({
  channels: z.number().int(),
  programmes: z.number().int(),
  /** channels and programmes dropped because they lacked what the XMLTV DTD requires */
  skipped: z.number().int(),
});
/** Counts a guide import reports. */
export type EpgImportCounts = z.infer<typeof EpgImportCounts>;

/** One run of a guide import. */
export const EpgImportRun = importRunSchema("epgId", EpgImportCounts).openapi("EpgImportRun");
/** One run of a guide import. */
export type EpgImportRun = z.infer<typeof EpgImportRun>;
