/**
 * Attacks through provider-chosen URLs: logos, guide icons and download redirects that point at
 * loopback, link-local (cloud metadata), private ranges or this machine, in every spelling.
 */
import { deepEqual, equal, match, ok, rejects } from "node:assert/strict";
import { checkTarget, ClientPool, fetchOutbound, RefusedTargetError } from "./outbound.ts";
import { internalRange, parseIp } from "./ip.ts";

const opts = {};
const NONE = { allowedHosts: [] };

/** A real HTTP server on a loopback address, counting the requests it gets. */
function serveOn(hostname: string, handler: (req: Request, url: string) => Response) {
  let hits = 0;
  let url = "";
  const server = Deno.serve({ hostname, port: 0, onListen: () => {} }, (req): Response => {
    hits++;
    return handler(req, url);
  });
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  url = `http://${host}:${server.addr.port}`;
  return { url, port: server.addr.port, hits: () => hits, close: () => server.shutdown() };
}

Deno.test("checkTarget() refuses every internal address in every spelling", async () => {
  const targets = [
    "http://127.0.0.1/",
    "http://127.1.2.3:8089/stream",
    "http://localhost:8088/admin",
    "http://LOCALHOST./",
    "http://2130706433/",
    "http://0x7f.0.0.1/",
    "http://0177.0.0.1/",
    "http://0.0.0.0:8088/",
    "http://[::1]/",
    "http://[::]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "https://192.168.1.1/",
  ];
  for (const url of targets) {
    await rejects(() => checkTarget(url, NONE), (e: Error) => {
      ok(e instanceof RefusedTargetError, `${url}: ${e.message}`);
      match(e.message, /ALLOWED_PRIVATE_HOSTS/);
      return true;
    });
  }
  await rejects(() => checkTarget("file:///etc/passwd", NONE), /only http and https/);
  await rejects(() => checkTarget("ftp://example.com/x", NONE), /only http and https/);
});

Deno.test("checkTarget() refuses this machine's own addresses", async () => {
  const own = Deno.networkInterfaces().map((i) => i.address).filter((a) => {
    const ip = parseIp(a);
    return ip && !internalRange(ip);
  });
  for (const address of own) {
    const host = address.includes(":") ? `[${address}]` : address;
    await rejects(() => checkTarget(`http://${host}:8088/`, NONE), /an address of this machine/);
  }
});

Deno.test("checkTarget() lets public addresses and the allowed hosts through", async () => {
  equal((await checkTarget("http://192.0.2.10/logo.png", NONE))[0], "192.0.2.10");
  equal(
    (await checkTarget("http://[2001:4860:4860::8888]/", NONE))[0],
    "[2001:4860:4860:0:0:0:0:8888]",
  );
  for (const allowed of ["127.0.0.1", "127.0.0.0/8", "localhost"]) {
    equal((await checkTarget("http://127.0.0.1:9/", { allowedHosts: [allowed] }))[0], "127.0.0.1");
  }
  // A name opens the addresses it resolves to; a suffix opens names under it.
  equal(
    (await checkTarget("http://localhost:9/", { allowedHosts: ["localhost"] }))[0],
    "127.0.0.1",
  );
  await checkTarget("http://10.1.2.3/", { allowedHosts: ["10.1.2.0/24"] });
  await rejects(() => checkTarget("http://10.1.3.3/", { allowedHosts: ["10.1.2.0/24"] }));
});

Deno.test(
  "fetchOutbound() refuses a redirect to an internal host the source did not name",
  opts,
  async () => {
    const internal = serveOn("127.0.0.2", () => new Response("secret"));
    let target = "";
    const source = serveOn(
      "127.0.0.1",
      () => new Response(null, { status: 302, headers: { location: target } }),
    );
    try {
      for (const where of [internal.url + "/admin", "http://169.254.169.254/latest/meta-data/"]) {
        target = where;
        await rejects(
          () => fetchOutbound(source.url + "/list.m3u", { allowedHosts: ["127.0.0.1"] }),
          (e: Error) => e instanceof RefusedTargetError,
        );
      }
      equal(internal.hits(), 0, "the internal host was never contacted");
      // Named by the admin, the same hop is followed.
      target = internal.url + "/admin";
      const res = await fetchOutbound(source.url, { allowedHosts: ["127.0.0.1", "127.0.0.2"] });
      equal(await res.text(), "secret");
      equal(res.url, internal.url + "/admin");
      equal(internal.hits(), 1);
    } finally {
      await source.close();
      await internal.close();
    }
  },
);

Deno.test(
  "fetchOutbound() follows redirects on the allowed host and stops loops and odd schemes",
  opts,
  async () => {
    const up = serveOn("127.0.0.1", (req, url) => {
      const path = new URL(req.url).pathname;
      if (path === "/a") return new Response(null, { status: 301, headers: { location: "/b" } });
      if (path === "/b") {
        return new Response(null, { status: 303, headers: { location: `${url}/c` } });
      }
      if (path === "/c") {
        return new Response(`ok ${req.method} ${req.headers.get("x-test")}`);
      }
      if (path === "/loop") {
        return new Response(null, { status: 302, headers: { location: "/loop" } });
      }
      return new Response(null, { status: 302, headers: { location: "file:///etc/passwd" } });
    });
    try {
      const allowedHosts = ["127.0.0.1"];
      const res = await fetchOutbound(`${up.url}/a`, {
        allowedHosts,
        headers: { "x-test": "kept" },
      });
      equal(await res.text(), "ok GET kept");
      await rejects(
        () => fetchOutbound(`${up.url}/loop`, { allowedHosts }),
        /more than 5 redirects/,
      );
      await rejects(() => fetchOutbound(`${up.url}/odd`, { allowedHosts }), /only http and https/);
    } finally {
      await up.close();
    }
  },
);

Deno.test(
  "fetchOutbound() connects to the address it checked and sends the name as Host",
  opts,
  async () => {
    const up = serveOn("127.0.0.1", (req) => new Response(req.headers.get("host")));
    try {
      const res = await fetchOutbound(`http://localhost:${up.port}/`, {
        allowedHosts: ["localhost"],
      });
      equal(await res.text(), `localhost:${up.port}`);
      await rejects(() => fetchOutbound(`http://localhost:${up.port}/`), RefusedTargetError);
    } finally {
      await up.close();
    }
  },
);

Deno.test(
  "a ClientPool reuses a connection per checked address, drops the least recent, and the rules still hold",
  opts,
  async () => {
    // Which client port each request came from: the same port is the same kept connection.
    const ports: Record<string, number[]> = { a: [], b: [], c: [] };
    const servers = (["a", "b", "c"] as const).map((name, i) => {
      const server = Deno.serve(
        { hostname: `127.0.0.${i + 1}`, port: 0, onListen: () => {} },
        (_req, info) => {
          ports[name].push(info.remoteAddr.port);
          return new Response(name);
        },
      );
      return { name, server, url: `http://127.0.0.${i + 1}:${server.addr.port}/` };
    });
    const pool = new ClientPool(2);
    const allowedHosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];
    const get = async (i: number) =>
      await (await fetchOutbound(servers[i].url, { allowedHosts, clients: pool })).text();
    try {
      equal(await get(0), "a");
      equal(await get(0), "a");
      equal(ports.a[0], ports.a[1], "the second request went over the kept connection");
      equal(await get(1), "b");
      equal(await get(2), "c");
      // Three addresses in a pool of two: a's client went first, so a gets a new connection.
      equal(await get(0), "a");
      ok(ports.a[2] !== ports.a[1], "a new connection after the client was dropped");
      // A pooled client does not loosen the rules: a host nobody named is refused before connecting.
      await rejects(
        () => fetchOutbound(servers[2].url, { allowedHosts: [], clients: pool }),
        (e: Error) => e instanceof RefusedTargetError,
      );
      equal(ports.c.length, 1);
    } finally {
      pool.close();
      for (const s of servers) await s.server.shutdown();
    }
  },
);

Deno.test(
  "fetchOutbound() sends the usual origin-form request line to a URL that names its address",
  opts,
  async () => {
    // A small server that, like Python's http.server, knows only "GET /path HTTP/1.1".
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const lines: string[] = [];
    const serving = (async () => {
      for (let i = 0; i < 2; i++) {
        const conn = await listener.accept();
        const buf = new Uint8Array(4096);
        const n = await conn.read(buf) ?? 0;
        const line = new TextDecoder().decode(buf.subarray(0, n)).split("\r\n")[0];
        lines.push(line);
        const ok = line.startsWith("GET /list.m3u ");
        const body = ok ? "#EXTM3U\n" : "not found\n";
        await conn.write(new TextEncoder().encode(
          `HTTP/1.1 ${ok ? "200 OK" : "404 Not Found"}\r\ncontent-length: ${body.length}\r\n` +
            `connection: close\r\n\r\n${body}`,
        ));
        conn.close();
      }
    })();
    const url = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/list.m3u`;
    const pool = new ClientPool();
    try {
      const alone = await fetchOutbound(url, { allowedHosts: ["127.0.0.1"] });
      equal(await alone.text(), "#EXTM3U\n");
      const pooled = await fetchOutbound(url, { allowedHosts: ["127.0.0.1"], clients: pool });
      equal(await pooled.text(), "#EXTM3U\n");
      await serving;
      deepEqual(lines, ["GET /list.m3u HTTP/1.1", "GET /list.m3u HTTP/1.1"]);
    } finally {
      pool.close();
      listener.close();
    }
  },
);
