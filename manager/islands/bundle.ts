/**
 * Builds /static/islands.js from client.tsx with `deno bundle`, once per change of sources. Code
 * splitting puts what islands import dynamically (the video players, ~850 KB) in chunks of their
 * own, fetched only when used; the entry stays small.
 */

const HERE = new URL(".", import.meta.url);
/** Where the bundle and its chunks are written. */
export const BUNDLE_DIR = new URL("../static/islands/", import.meta.url);
/** The entry of the bundle, served as /static/islands.js. */
export const BUNDLE_PATH = new URL("client.js", BUNDLE_DIR);
/** Names of the chunks next to the entry (esbuild's `<name>-<hash>.js`). */
export const CHUNK_NAME = /^[A-Za-z0-9_-]{1,64}\.js$/;

async function newestSource(): Promise<number> {
  let newest = 0;
  for await (const e of Deno.readDir(HERE)) {
    if (!/\.tsx?$/.test(e.name)) continue;
    const st = await Deno.stat(new URL(e.name, HERE));
    newest = Math.max(newest, st.mtime?.getTime() ?? 0);
  }
  return newest;
}

let building: Promise<void> | null = null;

/** Makes sure the bundle exists and is newer than its sources. */
export function ensureIslandBundle(): Promise<void> {
  building ??= (async () => {
    let out: Deno.FileInfo | null = null;
    try {
      out = await Deno.stat(BUNDLE_PATH);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    if (out?.mtime && out.mtime.getTime() >= await newestSource()) return;
    // Chunks of an older build go: their names change with their content.
    await Deno.remove(BUNDLE_DIR, { recursive: true }).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
    const cmd = new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform",
        "browser",
        "--minify",
        "--code-splitting",
        "--outdir",
        BUNDLE_DIR.pathname,
        new URL("client.tsx", HERE).pathname,
      ],
      stdout: "piped",
      stderr: "piped",
    });
    const res = await cmd.output();
    if (!res.success) {
      building = null;
      throw new Error(`Cannot build the island bundle: ${new TextDecoder().decode(res.stderr)}`);
    }
  })();
  return building;
}
