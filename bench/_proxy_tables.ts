/** The proxy benchmark's figures as Markdown tables, ours beside nginx's, with verdicts. */
import type { LoadFigures, LoadScenario, ProxyBenchResult } from "./proxy_bench.ts";

function verdict(ok: boolean): string {
  return ok ? "met" : "**missed**";
}

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

const mbps = (f: LoadFigures) => f.bytes / 1e6 / f.seconds;
const cpuPerGb = (f: LoadFigures) => f.cpuS / (f.bytes / 1e9);
const fixed = (n: number, digits = 2) => n.toFixed(digits);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Rows every load scenario shows: throughput, CPU, refusals, spread, upstream connections. */
function loadRows(
  s: LoadScenario,
  targets: { ratio?: number; cpu?: number; capped?: boolean },
): string[][] {
  const ratio = mbps(s.ours) / mbps(s.nginx);
  const cpuRatio = cpuPerGb(s.ours) / cpuPerGb(s.nginx);
  const streams = (f: LoadFigures) => `${f.refused + f.endedEarly} of ${f.streams * f.rounds}`;
  const spread = (f: LoadFigures) =>
    `${fixed(f.minStreamRate / 1e6, 1)} / ${fixed(f.maxStreamRate / 1e6, 1)} MB/s`;
  return [
    [
      "aggregate throughput",
      `${fixed(mbps(s.ours), 0)} MB/s (${fixed(ratio)}x nginx)`,
      `${fixed(mbps(s.nginx), 0)} MB/s`,
      targets.ratio ? `≥ ${targets.ratio}x nginx` : "",
      !targets.ratio
        ? ""
        : targets.capped
        ? "not applicable: the source caps every client"
        : verdict(ratio >= targets.ratio),
    ],
    [
      "CPU seconds per GB delivered (our process, all threads / nginx's worker)",
      `${fixed(cpuPerGb(s.ours))} (${fixed(cpuRatio)}x nginx)`,
      fixed(cpuPerGb(s.nginx)),
      targets.cpu ? `≤ ${targets.cpu}x nginx` : "",
      targets.cpu ? verdict(cpuRatio <= targets.cpu) : "",
    ],
    [
      "streams refused or ended during the windows",
      streams(s.ours),
      streams(s.nginx),
      "none",
      verdict(s.ours.refused + s.ours.endedEarly === 0),
    ],
    ["slowest / fastest client", spread(s.ours), spread(s.nginx), "", ""],
    [
      "upstream connections",
      String(s.ours.upstreamConnections),
      String(s.nginx.upstreamConnections),
      "",
      "",
    ],
  ];
}

function context(s: LoadScenario): string {
  const f = (x: LoadFigures) =>
    `${x.server}: ${x.rounds} rounds, ${fixed(x.seconds, 1)} s measured, proxy CPU ${
      fixed(x.cpuS, 1)
    } s, client process ${fixed(x.clientCpuS, 1)} s, upstream nginx ${fixed(x.upstreamCpuS, 1)} s`;
  return `CPU in the windows — ${f(s.ours)}; ${f(s.nginx)}.`;
}

function upstreamAlone(direct: LoadFigures, delivered: number): string {
  const connections = direct.upstreamConnections;
  return `The upstream alone, the same 200 clients straight on it (no proxy, ${connections} ` +
    `connections): ${fixed(delivered * 100, 1)}% of expected, ${fixed(mbps(direct), 0)} MB/s.`;
}

/** The result as Markdown: one table per target, our figures beside nginx's. */
export function proxyBenchTables(r: ProxyBenchResult): string {
  const t = r.throughput;
  const drop = t.ours.drop;
  const live = r.sharingLive;
  const rateMb = r.liveRate / 1e6;
  const expected = (f: LoadFigures) => f.streams * r.liveRate * f.seconds / f.rounds;
  const delivered = (f: LoadFigures) => f.bytes / f.rounds / expected(f);
  type Via = "ours" | "nginx" | "bare" | "bareKv";
  const added = (k: Via) => r.ttfb[k].map((ms, i) => ms - r.ttfb.direct[i]);
  const ttfbRow = (name: string, k: "direct" | Via) => {
    const a = k === "direct" ? null : added(k);
    const ok = a !== null && percentile(a, 50) < 2 && percentile(a, 99) < 10;
    return [
      name,
      `${fixed(percentile(r.ttfb[k], 50))} ms`,
      `${fixed(percentile(r.ttfb[k], 99))} ms`,
      a ? `${fixed(percentile(a, 50))} ms` : "",
      a ? `${fixed(percentile(a, 99))} ms` : "",
      k === "ours" ? "< 2 ms / < 10 ms" : "",
      k === "ours" ? verdict(ok) : "",
    ];
  };
  const dropRow = (name: string, ms: number[], target: number) => [
    name,
    `${fixed(percentile(ms, 50), 1)} ms`,
    `${fixed(Math.max(...ms), 1)} ms`,
    `< ${target} ms`,
    verdict(Math.max(...ms) < target && percentile(ms, 50) < target),
  ];
  const mb = (n: number) => `${fixed(n, 0)} MB`;
  return [
    "Our proxy runs as its own process (`deno run -A --unstable-no-legacy-abort " +
    "proxy/main.ts`), its KV file on disk prepared through the manager's API beforehand, the " +
    "upstream playlist's limit 300 connections so every stream takes a slot; the peer is nginx " +
    "with one worker as a reverse proxy (`proxy_buffering off; proxy_buffer_size 64k;`, " +
    "upstream keepalive). Both are in front of the same upstream: nginx sending a 1 GB MPEG-TS " +
    "file with sendfile, as fast as the reader takes it, or paced to " +
    `${fixed(rateMb, 1)} MB/s a connection (\`limit_rate\`, 64 KB sends) like a live channel. ` +
    "The clients are a process of their own (raw HTTP/1.1 sockets, one user agent each, bytes " +
    "counted). The two proxies take turns round by round (nginx first in odd rounds); the " +
    `benchmark took ${fixed(r.seconds, 0)} s.`,
    "",
    "#### 1. Throughput: 50 clients on 50 channels, upstream unthrottled",
    "",
    table(["Measure", "Ours", "nginx", "Target", "Verdict"], [
      ...loadRows(t, { ratio: 0.65 }),
      [
        "streams cut by dropping every session right after each window (`requestDrop`)",
        drop
          ? `${drop.ended} of ${drop.of}, the last ${
            fixed(drop.worstMs, 0)
          } ms after the first drop`
          : "not measured",
        "no per-viewer drop",
        "every stream",
        verdict(!!drop && drop.ended === drop.of),
      ],
      ["proxy RSS at the end of a window", mb(t.ours.rssMb), mb(t.nginx.rssMb), "", ""],
    ]),
    "",
    context(t),
    "",
    "#### 2. Sharing: 200 clients on 10 channels (20 a channel)",
    "",
    "Ours reads each channel once and sends every chunk to its 20 clients; nginx opens an " +
    "upstream connection per client. Unthrottled, the source is as fast as the readers, so " +
    "throughput compares the proxies. At a live rate the source caps every client at the " +
    `channel's rate (${fixed(rateMb, 1)} MB/s): both should deliver 200 × that, and a ` +
    "throughput ratio says nothing; what differs is CPU per GB, the upstream connections (the " +
    "provider's limit) and the upstream's own load (nginx's case makes the upstream send 20 " +
    "times the bytes). `limit_rate` paces each connection to at most the rate, so an upstream " +
    "that falls behind shows as less than 100% delivered.",
    "",
    table(["Unthrottled", "Ours", "nginx", "Target", "Verdict"], [
      ...loadRows(r.sharingFast, { ratio: 1.5, cpu: 0.5 }),
      [
        "proxy RSS at the end of a window",
        mb(r.sharingFast.ours.rssMb),
        mb(r.sharingFast.nginx.rssMb),
        "",
        "",
      ],
    ]),
    "",
    context(r.sharingFast),
    "",
    table([`Live rate ${fixed(rateMb, 1)} MB/s a channel`, "Ours", "nginx", "Target", "Verdict"], [
      ...loadRows(live, { ratio: 1.5, cpu: 0.5, capped: true }),
      [
        "delivered of expected (200 × rate × window)",
        `${fixed(delivered(live.ours) * 100, 1)}%`,
        `${fixed(delivered(live.nginx) * 100, 1)}%`,
        "",
        "",
      ],
      [
        "proxy RSS at the end of a window",
        mb(live.ours.rssMb),
        mb(live.nginx.rssMb),
        "",
        "",
      ],
    ]),
    "",
    context(live),
    live.direct ? upstreamAlone(live.direct, delivered(live.direct)) : "",
    "",
    `#### 3. Time to first byte, ${r.ttfb.ours.length} sequential requests on fresh connections`,
    "",
    "Each request on a channel of its own: ours checks the token in its caches, takes a slot " +
    "and writes the session in one KV commit (checked against the playlist revisions it " +
    "read), opens the upstream connection and reads its first chunk before it answers. " +
    "Added: the request through a proxy minus the direct request made just before or after " +
    "it. The two floors are bench/_passthrough.ts: the least a Deno proxy does, and the same " +
    "with one KV commit per request on the same disk (a commit on a KV file waits for the " +
    "disk's flush).",
    "",
    table(["Request", "Median", "p99", "Added median", "Added p99", "Target", "Verdict"], [
      ttfbRow("direct to the upstream", "direct"),
      ttfbRow("through ours", "ours"),
      ttfbRow("through nginx", "nginx"),
      ttfbRow("through a bare Deno passthrough (the floor)", "bare"),
      ttfbRow("through a bare Deno passthrough making one KV commit", "bareKv"),
    ]),
    "",
    `#### 4. Drop latency, ${r.drops.crossProcess.length} drops each`,
    "",
    "From `requestDrop()` (what the manager's Drop and `DELETE /api/v1/sessions/{id}` call) " +
    "to the end of the client's stream. nginx has no per-viewer drop (a reload or a killed " +
    "worker ends everyone's streams).",
    "",
    table(["Where", "Median", "Worst", "Target", "Verdict"], [
      dropRow("manager and proxy in one process (`deno task start`)", r.drops.inProcess, 100),
      dropRow("proxy as its own process on the same KV file", r.drops.crossProcess, 1000),
    ]),
    "",
    "#### 5. Proxy memory",
    "",
    table(["Load", "Ours (RSS of the process)", "nginx (RSS of the worker)", "Target", "Verdict"], [
      ["idle, before any client", mb(r.idleRssMb), "", "", ""],
      ["50 clients on 50 channels", mb(t.ours.rssMb), mb(t.nginx.rssMb), "none set", ""],
      [
        "200 clients on 10 channels, live rate",
        mb(live.ours.rssMb),
        mb(live.nginx.rssMb),
        "none set",
        "",
      ],
      [
        "200 clients on 10 channels, unthrottled",
        mb(r.sharingFast.ours.rssMb),
        mb(r.sharingFast.nginx.rssMb),
        "none set",
        "",
      ],
    ]),
  ].join("\n");
}
