/** Decides whether bytes are an image and which type, from magic bytes and the sent type. */

const ascii = (bytes: Uint8Array, at: number, text: string) => {
  if (bytes.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

/** Leading whitespace, then optional XML declaration, comments and doctype, then `<svg`. */
const SVG_START = /^\ufeff?\s*(<\?xml[^>]*>\s*)?((<!--[\s\S]*?-->|<!doctype[^>]*>)\s*)*<svg[\s>/]/i;

/** The image type the bytes' signature names, or null when none is recognised. */
export function sniffImageType(bytes: Uint8Array): string | null {
  // Signatures: PNG spec §5.2, JFIF SOI marker, GIF89a spec, RIFF/WEBP container, ICO header,
  // ISO-BMFF `ftyp` brand for AVIF.
  if (ascii(bytes, 0, "\x89PNG\r\n\x1a\n")) return "image/png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (ascii(bytes, 0, "GIF87a") || ascii(bytes, 0, "GIF89a")) return "image/gif";
  if (ascii(bytes, 0, "RIFF") && ascii(bytes, 8, "WEBP")) return "image/webp";
  if (bytes[0] === 0 && bytes[1] === 0 && bytes[2] === 1 && bytes[3] === 0 && bytes.length > 6) {
    return "image/x-icon";
  }
  if (ascii(bytes, 4, "ftypavif") || ascii(bytes, 4, "ftypavis")) return "image/avif";
  const head = new TextDecoder().decode(bytes.subarray(0, 4096));
  if (SVG_START.test(head)) return "image/svg+xml";
  return null;
}

/** The media type of a Content-Type header value, lower case, without parameters. */
export function mediaType(header: string | null | undefined): string {
  return (header ?? "").split(";")[0].trim().toLowerCase();
}

function looksLikeText(bytes: Uint8Array): boolean {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // UTF-8 BOM
  while (i < bytes.length && i < 64 && bytes[i] <= 0x20) i++;
  return bytes[i] === 0x3c; // "<": HTML, XML or an error page, never a binary image format
}

/** Types sniffImageType() recognises: a claim of one of these must match the bytes. */
const SNIFFABLE = new Set([
  "image/png",
  "image/apng",
  "image/jpeg",
  "image/jpg",
  "image/pjpeg",
  "image/gif",
  "image/webp",
  "image/svg+xml",
  "image/x-icon",
  "image/vnd.microsoft.icon",
  "image/avif",
]);

/**
 * The content type to store the bytes under, or null when they are not an image. A recognised
 * signature wins over the sent type (servers often send octet-stream or lie). A sent image type
 * we cannot check (bmp, tiff, ...) is believed unless the bytes are markup.
 */
export function imageTypeOf(bytes: Uint8Array, sentType: string): string | null {
  const sniffed = sniffImageType(bytes);
  if (sniffed) return sniffed;
  const sent = mediaType(sentType);
  if (!/^image\/[a-z0-9.+-]+$/.test(sent) || SNIFFABLE.has(sent)) return null;
  return looksLikeText(bytes) ? null : sent;
}

const EXTENSIONS: Record<string, string> = {
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/gif": ".gif",
  "image/webp": ".webp",
  "image/svg+xml": ".svg",
  "image/x-icon": ".ico",
  "image/vnd.microsoft.icon": ".ico",
  "image/avif": ".avif",
  "image/bmp": ".bmp",
};

/** The file extension (with its dot) for an image type, or "" when there is no usual one. */
export function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType] ?? "";
}
