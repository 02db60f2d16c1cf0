/**
 * The instance's signing key (HMAC-SHA-256) for values a browser keeps and sends back, such as
 * the known-device cookie. Derived from SECRET_KEY when it is set; otherwise a random key is
 * created once in KV (the first process to start wins) and shared by every process.
 */
import { settingKey } from "../db/keys.ts";

const cache = new WeakMap<Deno.Kv, Map<string, Promise<CryptoKey>>>();
const enc = new TextEncoder();

/** The HMAC key for this KV store and SECRET_KEY (read or created once per process). */
export function signingKey(kv: Deno.Kv, secretKey: string): Promise<CryptoKey> {
  let perKv = cache.get(kv);
  if (!perKv) cache.set(kv, perKv = new Map());
  let key = perKv.get(secretKey);
  if (!key) {
    key = loadKey(kv, secretKey);
    perKv.set(secretKey, key);
    key.catch(() => perKv.delete(secretKey));
  }
  return key;
}

async function loadKey(kv: Deno.Kv, secretKey: string): Promise<CryptoKey> {
  let raw: Uint8Array;
  if (secretKey) {
    // A label keeps this key apart from anything else SECRET_KEY may be used for later.
    const base = await crypto.subtle.importKey(
      "raw",
      enc.encode(secretKey),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    raw = new Uint8Array(await crypto.subtle.sign("HMAC", base, enc.encode("iptv signing key")));
  } else {
    const key = settingKey("signing_key");
    let entry = await kv.get<Uint8Array>(key);
    if (!entry.value) {
      const fresh = crypto.getRandomValues(new Uint8Array(32));
      await kv.atomic().check({ key, versionstamp: null }).set(key, fresh).commit();
      entry = await kv.get<Uint8Array>(key);
    }
    raw = entry.value!;
  }
  return await crypto.subtle.importKey(
    "raw",
    raw as BufferSource,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(s, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** `value.signature`, the signature over the purpose and the value. */
export async function sign(
  key: CryptoKey,
  value: string,
  opts: { purpose: string },
): Promise<string> {
  const purpose = opts.purpose;
  const sig = await crypto.subtle.sign("HMAC", key, enc.encode(`${purpose}\u0000${value}`));
  return `${value}.${b64url(new Uint8Array(sig))}`;
}

/** The value of a signed text when its signature holds for the purpose, else null. */
export async function verifySigned(
  key: CryptoKey,
  signed: string,
  opts: { purpose: string },
): Promise<string | null> {
  const purpose = opts.purpose;
  const dot = signed.lastIndexOf(".");
  if (dot <= 0 || signed.length > 500) return null;
  const value = signed.slice(0, dot);
  const sig = fromB64url(signed.slice(dot + 1));
  if (!sig) return null;
  // crypto.subtle.verify compares in constant time.
  const ok = await crypto.subtle.verify(
    "HMAC",
    key,
    sig as BufferSource,
    enc.encode(`${purpose}\u0000${value}`),
  );
  return ok ? value : null;
}
