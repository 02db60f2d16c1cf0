/** Builds /static/islands.js from client.tsx with `deno bundle`, once per change of sources. */

const HERE = new URL(".", import.meta.url);
/** Where the bundle is written. */
export const BUNDLE_PATH = new URL("../static/islands.js", import.meta.url);

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
    const cmd = new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--platform",
        "browser",
        "--minify",
        "-o",
        BUNDLE_PATH.pathname,
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
