/**
 * Streaming clients for the proxy benchmark. Each stream is one HTTP/1.1 GET on a raw TCP
 * connection with `Connection: close`, so the end of a stream is the end of its socket; body
 * bytes are counted (chunked framing included: a few bytes per 64 KB) into a 256 KB buffer that
 * is never copied. Run as a process of its own (`deno run -A bench/_stream_clients.ts '<urls
 * as JSON>'`), it is the load generator, so that its CPU does not mix with the proxy's: it opens
 * every stream, prints one JSON line `{"status": [...], "sessions": [...]}` once every stream has
 * its headers, then answers the commands it reads on stdin, one a line, with one JSON line each:
 * `mark` (`{"at": ms, "bytes": [...]}`, the bytes of each stream so far), `ends` (waits until
 * every stream has ended, at most 5 s: `{"ends": [ms or null, ...]}`) and `close` (closes every
 * stream, answers `{}` and exits). Times are `Date.now()`-based with fractions of a millisecond.
 */

const encoder = new TextEncoder();
const HEADER_END = [13, 10, 13, 10];

/** Milliseconds since the epoch with the precision of `performance.now()`. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** One open stream. */
export interface RawStream {
  status: number;
  /** the proxy's `x-session-id` header, or null */
  sessionId: string | null;
  /** body bytes read so far */
  bytes: number;
  /** when the request started and when its first byte came (`nowMs()`) */
  startedAt: number;
  firstByteAt: number;
  /** when the stream ended (its socket closed or failed), or null while it runs */
  endedAt: number | null;
  /** settles when the stream has ended */
  ended: Promise<void>;
  close(): void;
}

function indexOfHeaderEnd(buf: Uint8Array, length: number): number {
  outer: for (let i = 0; i + 3 < length; i++) {
    for (let j = 0; j < 4; j++) if (buf[i + j] !== HEADER_END[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * Opens a stream and reads its response headers; the body is read and counted in the background
 * until the socket ends (or `close()`).
 */
export async function openStream(url: string, userAgent = "proxy-bench"): Promise<RawStream> {
  const u = new URL(url);
  const startedAt = nowMs();
  const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
  const request = `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n` +
    `User-Agent: ${userAgent}\r\nConnection: close\r\n\r\n`;
  await conn.write(encoder.encode(request));
  const buf = new Uint8Array(256 * 1024);
  let length = 0;
  let firstByteAt = 0;
  let headerEnd = -1;
  while (headerEnd < 0) {
    const n = await conn.read(buf.subarray(length));
    if (n === null) {
      conn.close();
      throw new Error(`${url} closed before its headers`);
    }
    if (!firstByteAt) firstByteAt = nowMs();
    length += n;
    headerEnd = indexOfHeaderEnd(buf, length);
    if (headerEnd < 0 && length === buf.length) throw new Error(`${url}: headers too long`);
  }
  const head = new TextDecoder().decode(buf.subarray(0, headerEnd));
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  const sessionId = /^x-session-id:\s*(\S+)/im.exec(head)?.[1] ?? null;
  let closed = false;
  const stream: RawStream = {
    status,
    sessionId,
    bytes: length - headerEnd - 4,
    startedAt,
    firstByteAt,
    endedAt: null,
    ended: Promise.resolve(),
    close() {
      if (closed) return;
      closed = true;
      conn.close();
    },
  };
  stream.ended = (async () => {
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        stream.bytes += n;
      }
    } catch {
      // Closed by us, or reset by the server: either way the stream ended here.
    }
    stream.endedAt = nowMs();
    stream.close();
  })();
  return stream;
}

/** What the load generator answers once every stream has its headers. */
export interface ClientsReady {
  status: number[];
  sessions: (string | null)[];
  ttfbMs: number[];
}

/** A `mark`: when, each stream's bytes so far, and how many streams answered 200 and ended. */
export interface ClientsMark {
  at: number;
  bytes: number[];
  ended: number;
}

/** The load generator as a child process. */
export interface StreamClients {
  pid: number;
  ready: ClientsReady;
  mark(): Promise<ClientsMark>;
  /** Waits (at most 5 s) until every stream has ended; when each did (null: still running). */
  ends(): Promise<(number | null)[]>;
  close(): Promise<void>;
}

/** Starts the load generator on `urls` and waits until every stream has its headers. */
export async function spawnClients(urls: string[]): Promise<StreamClients> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, JSON.stringify(urls)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  const next = async <T>(): Promise<T> => {
    for (;;) {
      const nl = pending.indexOf("\n");
      if (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        return JSON.parse(line) as T;
      }
      const r = await lines.read();
      if (r.done) throw new Error("The load generator exited");
      pending += r.value;
    }
  };
  const ask = async <T>(command: string): Promise<T> => {
    await writer.write(encoder.encode(`${command}\n`));
    return await next<T>();
  };
  let ready: ClientsReady;
  try {
    ready = await next<ClientsReady>();
  } catch (err) {
    child.kill("SIGKILL");
    await child.status;
    throw err;
  }
  return {
    pid: child.pid,
    ready,
    mark: () => ask<ClientsMark>("mark"),
    ends: async () => (await ask<{ ends: (number | null)[] }>("ends")).ends,
    async close() {
      await ask("close").catch(() => {});
      await writer.close().catch(() => {});
      await lines.cancel().catch(() => {});
      await child.status;
    },
  };
}

async function main(urls: string[]): Promise<void> {
  const out = (value: unknown) => Deno.stdout.write(encoder.encode(`${JSON.stringify(value)}\n`));
  // A user agent each: one device each (the proxy takes the same address and user agent on the
  // same playlist for one device switching channels).
  const streams = await Promise.all(urls.map((u, i) => openStream(u, `proxy-bench/${i + 1}`)));
  await out({
    status: streams.map((s) => s.status),
    sessions: streams.map((s) => s.sessionId),
    ttfbMs: streams.map((s) => s.firstByteAt - s.startedAt),
  });
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
  let pending = "";
  for await (const text of lines) {
    pending += text;
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const command = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (command === "mark") {
        await out(
          {
            at: nowMs(),
            bytes: streams.map((s) => s.bytes),
            ended: streams.filter((s) => s.status === 200 && s.endedAt !== null).length,
          } satisfies ClientsMark,
        );
      } else if (command === "ends") {
        const timeout = new Promise((r) => setTimeout(r, 5_000));
        await Promise.race([Promise.all(streams.map((s) => s.ended)), timeout]);
        await out({ ends: streams.map((s) => s.endedAt) });
      } else if (command === "close") {
        for (const s of streams) s.close();
        await out({});
        Deno.exit(0);
      }
    }
  }
}

if (import.meta.main) await main(JSON.parse(Deno.args[0]));
