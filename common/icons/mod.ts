/**
 * Channel icon cache: logos from playlists and guides fetched in the background (ICON_TIMEOUT,
 * 1 MiB cap, image check), stored under DATA_DIR/icons and served from the manager.
 *
 * @module
 */

export { IconCache, iconSourceUrl } from "./icon_cache.ts";
export type { IconCacheOptions, IconCounts } from "./icon_cache.ts";
export { extensionFor, sniffImageType } from "./_image_type.ts";
export { Icon, IconStatus, MAX_ICON_BYTES } from "./types.ts";
export type { IconFilter, IconPage } from "./types.ts";
