/** Process figures for benchmarks, read from /proc like a user would see them. */

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

/** CPU time a process has used so far (user + system, all threads), in clock ticks (1/100 s). */
export function cpuTicks(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]);
}

/** Resident set size of a process in MB (VmRSS of /proc/<pid>/status). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The direct children of a process (/proc/<pid>/task/<pid>/children). */
export function childPids(pid: number): number[] {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`).trim().split(/\s+/)
      .filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The load average of the last 1, 5 and 15 minutes, as /proc/loadavg gives it. */
export function loadAverage(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "unknown";
  }
}

/** A child process of a benchmark: the tail of its stderr kept to explain a failure. */
export interface LoggedChild {
  pid: number;
  /** the last 4 KB it wrote to stderr */
  stderr(): string;
  /** whether it has exited */
  exited(): boolean;
  /** Ends it (SIGTERM) and waits until it and its stderr are done. */
  stop(): Promise<void>;
}

/** Spawns a child with stdin and stdout closed and its stderr drained (a full pipe would stall it). */
export function spawnLogged(
  command: string,
  options: Omit<Deno.CommandOptions, "stdin" | "stdout" | "stderr">,
): LoggedChild {
  const child = new Deno.Command(command, {
    ...options,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const drained = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (t) => void (stderr = (stderr + t).slice(-4000)) }),
  ).catch(() => {});
  let exited = false;
  const status = child.status.then(() => exited = true);
  return {
    pid: child.pid,
    stderr: () => stderr,
    exited: () => exited,
    async stop() {
      try {
        // SIGQUIT would let nginx wait for keep-alive and streaming clients: SIGTERM is fast.
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await status;
      await drained;
    },
  };
}
