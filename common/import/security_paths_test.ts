/**
 * Local import paths as a probe of the disk: every path outside DATA_DIR gets the same answer
 * whether or not something exists there, and DATA_DIR's KV files and hidden files are refused.
 */
import { equal, match } from "node:assert/strict";
import { resolveInsideDataDir } from "./source.ts";

const opts = {};

async function messageOf(dataDir: string, path: string): Promise<string> {
  try {
    await resolveInsideDataDir(dataDir, path);
  } catch (err) {
    return (err as Error).message;
  }
  return "ok";
}

Deno.test("every path outside DATA_DIR gets the same answer, existing or not", opts, async () => {
  const dir = await Deno.makeTempDir({ prefix: "iptv-paths-" });
  try {
    await Deno.mkdir(`${dir}/lists`);
    await Deno.writeTextFile(`${dir}/lists/ok.m3u`, "#EXTM3U\n");
    await Deno.symlink("/etc/hostname", `${dir}/lists/to-existing.m3u`);
    await Deno.symlink("/etc/no-such-file-here", `${dir}/lists/to-missing.m3u`);
    await Deno.symlink("/etc", `${dir}/lists/etc`);
    const pairs = [
      ["/etc/passwd", "/etc/no-such-file-here"],
      ["../../../../etc/passwd", "../../../../etc/no-such-file-here"],
      ["lists/../../../../../etc/hostname", "lists/../../../../../nope/x"],
      ["lists/to-existing.m3u", "lists/to-missing.m3u"],
      ["lists/etc/passwd", "lists/etc/no-such-file-here"],
      ["/etc", "/no-such-dir"],
    ];
    for (const [exists, missing] of pairs) {
      const a = await messageOf(dir, exists);
      const b = await messageOf(dir, missing);
      match(a, /lies outside DATA_DIR .* and is never read/, exists);
      equal(a.replace(exists, "X"), b.replace(missing, "X"), `${exists} / ${missing}`);
    }
    equal(await messageOf(dir, "lists/ok.m3u"), "ok");
    equal(await messageOf(dir, `${dir}/lists/ok.m3u`), "ok");
    match(await messageOf(dir, "lists/missing.m3u"), /does not exist inside DATA_DIR/);
    match(await messageOf(dir, "file:///etc/passwd"), /not a local path/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DATA_DIR's own KV files and hidden files are never imported", opts, async () => {
  const dir = await Deno.makeTempDir({ prefix: "iptv-paths-" });
  const kv = await Deno.openKv(`${dir}/iptv.kv`);
  try {
    await kv.set(["x"], "y");
    await Deno.writeTextFile(`${dir}/.env`, "SECRET_KEY=x\n");
    await Deno.mkdir(`${dir}/.hidden`);
    await Deno.writeTextFile(`${dir}/.hidden/list.m3u`, "#EXTM3U\n");
    await Deno.symlink(`${dir}/iptv.kv`, `${dir}/innocent.m3u`);
    const names = [
      "iptv.kv",
      "./iptv.kv",
      `${dir}/iptv.kv`,
      ".env",
      ".hidden/list.m3u",
      "innocent.m3u",
    ];
    for (const name of ["iptv.kv-wal", "iptv.kv-shm"]) {
      try {
        await Deno.stat(`${dir}/${name}`);
        names.push(name);
      } catch {
        // SQLite made no such file here.
      }
    }
    for (const path of names) {
      match(await messageOf(dir, path), /one of DATA_DIR's own files .* never imported/, path);
    }
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
});
