/** Real clients for tests: VLC (cvlc, as nobody when root) and ffprobe. */
import { equal } from "node:assert/strict";

/** How long a VLC run may take before it is killed. */
export const VLC_LIMIT_S = 15;

/** Runs cvlc headless (as nobody when we are root: VLC refuses root), killed after a limit. */
export async function runVlc(home: string, args: string[]): Promise<{ code: number; log: string }> {
  const vlc = ["timeout", "-k", "2", String(VLC_LIMIT_S), "env", `HOME=${home}`, "cvlc", ...args];
  const argv = Deno.uid() === 0 ? ["runuser", "-u", "nobody", "--", ...vlc] : vlc;
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // A second guard in case runuser or timeout themselves hang.
  const guard = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, (VLC_LIMIT_S + 5) * 1000);
  try {
    const out = await child.output();
    const dec = new TextDecoder();
    return { code: out.code, log: (dec.decode(out.stdout) + dec.decode(out.stderr)).slice(-4000) };
  } finally {
    clearTimeout(guard);
  }
}

/** The codec names of the streams ffprobe finds in a file, by codec type, and its duration. */
export async function probe(
  path: string,
): Promise<{ video: string[]; audio: string[]; seconds: number }> {
  const out = await new Deno.Command("ffprobe", {
    args: [
      ...["-v", "error", "-show_entries", "stream=codec_type,codec_name:format=duration"],
      ...["-of", "json", path],
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  equal(out.code, 0, `ffprobe failed: ${new TextDecoder().decode(out.stderr)}`);
  const json = JSON.parse(text);
  const streams = (json.streams ?? []) as { codec_type: string; codec_name: string }[];
  const of = (type: string) =>
    streams.filter((s) => s.codec_type === type).map((s) => s.codec_name);
  return { video: of("video"), audio: of("audio"), seconds: Number(json.format?.duration ?? 0) };
}
