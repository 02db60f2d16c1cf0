/** Test helper: the manager as a real child process (`deno run … manager/main.ts`). */
import { waitFor } from "./harness.ts";

const MAIN = new URL("../manager/main.ts", import.meta.url).pathname;

/** A manager running in a child process. */
export interface ManagerProcess {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** What the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` (SIGKILL: no chance to clean up) and waits until the process is gone. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/**
 * Starts the manager with DATA_DIR `dataDir` on 127.0.0.1 port 0 (the port is read from its
 * "listening" line) and the test admin's password; `env` adds or overrides variables.
 */
export async function startManagerProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ManagerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-no-legacy-abort", MAIN],
    env: {
      DATA_DIR: dataDir,
      SOCKET_ADDRESS: "127.0.0.1",
      INTERNAL_MANAGEMENT_PORT: "0",
      INTERNAL_PROXY_PORT: "0",
      ADMIN_PASSWORD: "correct horse battery",
      LOG_LEVEL: "info",
      ICON_CACHE: "false",
      // Upstreams of tests are servers on 127.0.0.1.
      ALLOWED_PRIVATE_HOSTS: "127.0.0.1",
      ...env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const decoder = new TextDecoder();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) out += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  let exited: Deno.CommandStatus | null = null;
  const status = child.status.then((s) => exited = s);
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    if (!exited) child.kill(signal);
    const s = await status;
    await drained;
    return s;
  };
  try {
    const base = await waitFor(
      async () => {
        if (exited) throw new Error(`The manager exited (${exited.code}):\n${out}`);
        return await Promise.resolve(/listening on (http:\/\/[\d.]+:\d+)\//.exec(out)?.[1]);
      },
      "the manager to listen",
      60_000,
    );
    return { base, output: () => out, stop };
  } catch (err) {
    await stop("SIGKILL");
    throw err;
  }
}
