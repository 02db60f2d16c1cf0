/** Response schemas of the channel list's views and the guide channel search. */
import { z } from "@hono/zod-openapi";

const Programme = z.object({
  title: z.string(),
  start: z.string(),
  stop: z.string().nullable(),
}).openapi("ProgrammeView");

/** A guide channel as the picker lists it. */
export const GuideChannelSchema = z.object({
  epgId: z.string(),
  epgName: z.string(),
  id: z.string(),
  name: z.string(),
  names: z.array(z.string()),
  logo: z.string().nullable().openapi({ description: "null: no logo, or no cached copy yet" }),
  now: Programme.nullable(),
}).openapi("GuideChannelView");

/** A page of guide channels. */
export const GuideChannelList = z.object({
  items: z.array(GuideChannelSchema),
  cursor: z.string().nullable(),
  total: z.number().int(),
}).openapi("GuideChannelList");

/** A channel as the channel list shows and edits it. */
export const ChannelViewSchema = z.object({
  id: z.string(),
  playlistId: z.string(),
  groupId: z.string(),
  name: z.string(),
  importedName: z.string(),
  url: z.string(),
  number: z.number().int().nullable(),
  chno: z.string(),
  tvgId: z.string(),
  logo: z.string().nullable(),
  enabled: z.boolean(),
  keepStatus: z.boolean(),
  missing: z.boolean(),
  blockedReason: z.string().nullable(),
  mapping: z.object({ epgId: z.string(), channelId: z.string() }).nullable(),
  guide: z.object({
    epgId: z.string(),
    epgName: z.string(),
    channelId: z.string(),
    name: z.string(),
    logo: z.string().nullable(),
    by: z.enum(["manual", "tvg-id", "name"]),
  }).nullable(),
  version: z.string().nullable(),
}).openapi("ChannelView");

/** A page of channel views. */
export const ChannelViewList = z.object({
  items: z.array(ChannelViewSchema),
  cursor: z.string().nullable(),
  total: z.number().int(),
}).openapi("ChannelViewList");
