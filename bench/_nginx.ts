/**
 * Debian's nginx as a benchmark's peer: a child process (`daemon off`, a master and its workers)
 * with a generated configuration in a folder of its own, on a free loopback port, stopped with
 * SIGTERM (its fast shutdown) at the end.
 */
import { childPids, freePort, spawnLogged } from "./_proc.ts";

/** A running nginx. */
export interface Nginx {
  port: number;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** the master process */
  pid: number;
  /** The worker processes (the ones that serve). */
  workerPids(): number[];
  /** The last few KB nginx wrote to stderr. */
  stderr(): string;
  close(): Promise<void>;
}

/** Options of `startNginx`. */
export interface NginxOptions {
  /**
   * What goes inside `http {}` besides the common settings (no access log, temp paths in the
   * folder): upstreams and servers, given the port nginx listens on.
   */
  http: (port: number) => string;
  /** worker processes; default 1 */
  workers?: number;
  /** `worker_connections`; default 1024 */
  connections?: number;
}

/** Starts nginx with its configuration, logs and temp files in `dir` (created if missing). */
export async function startNginx(dir: string, opts: NginxOptions): Promise<Nginx> {
  await Deno.mkdir(dir, { recursive: true });
  const port = freePort();
  const conf = `${dir}/nginx.conf`;
  // The workers run as nobody when we are root: they must be able to read the files served.
  const user = Deno.uid() === 0 ? "user nobody nogroup;" : "";
  await Deno.writeTextFile(
    conf,
    `${user}
daemon off;
master_process on;
worker_processes ${opts.workers ?? 1};
worker_rlimit_nofile 20000;
error_log ${dir}/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections ${opts.connections ?? 1024}; }
http {
  access_log off;
  client_body_temp_path ${dir}/tmp_body;
  proxy_temp_path ${dir}/tmp_proxy;
  fastcgi_temp_path ${dir}/tmp_fastcgi;
  uwsgi_temp_path ${dir}/tmp_uwsgi;
  scgi_temp_path ${dir}/tmp_scgi;
${opts.http(port)}
}
`,
  );
  const child = spawnLogged("/usr/sbin/nginx", {
    args: ["-p", `${dir}/`, "-e", `${dir}/error.log`, "-c", conf],
  });
  const close = () => child.stop();
  const workers = opts.workers ?? 1;
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      if (childPids(child.pid).length >= workers) break;
    } catch { /* not listening yet */ }
    if (child.exited() || Date.now() > until) {
      await close();
      throw new Error(`nginx did not start: ${child.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    pid: child.pid,
    workerPids: () => childPids(child.pid),
    stderr: child.stderr,
    close,
  };
}
