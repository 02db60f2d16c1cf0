/** The streaming proxy's listener. Streaming itself arrives with the proxy issue. */
import type { Config } from "../common/config.ts";
import { registerProxy } from "../common/db/proxies.ts";
import { errorResponse, statusOf } from "../common/http_errors.ts";

/** A running proxy. */
export interface RunningProxy {
  server: Deno.HttpServer<Deno.NetAddr>;
  port: number;
  shutdown(): Promise<void>;
}

/** Handles one proxy request; domain errors answer with the statuses common/http_errors.ts gives. */
export function proxyHandler(_kv: Deno.Kv, config: Config) {
  const route = (req: Request): Response => {
    const url = new URL(req.url);
    if (url.pathname === "/healthz") {
      return Response.json({ status: "ok", service: "proxy", name: config.proxyName });
    }
    // The proxy streams only channels it knows; it never fetches a URL a client hands it.
    return new Response("Not found\n", { status: 404 });
  };
  return (req: Request): Response => {
    try {
      return route(req);
    } catch (err) {
      if (statusOf(err) === 500) console.error(err);
      return errorResponse(err);
    }
  };
}

/**
 * Starts the proxy on SOCKET_ADDRESS:INTERNAL_PROXY_PORT (port 0 picks a free one) and
 * registers it under PROXY_NAME, so downstream playlists can point at it.
 */
export async function startProxy(
  kv: Deno.Kv,
  config: Config,
  opts: { quiet?: boolean } = {},
): Promise<RunningProxy> {
  const handler = proxyHandler(kv, config);
  const server = Deno.serve({
    hostname: config.socketAddress,
    port: config.proxyPort,
    onListen: ({ hostname, port }) => {
      if (!opts.quiet) {
        console.log(`Proxy "${config.proxyName}" listening on http://${hostname}:${port}`);
      }
    },
  }, handler);
  const port = server.addr.port;
  await registerProxy(kv, {
    name: config.proxyName,
    internalUrl: config.internalProxyUrl,
    internalPort: port,
    externalUrl: config.externalProxyUrl,
    externalPort: config.proxyPort === 0 ? port : config.externalProxyPort,
  });
  return { server, port, shutdown: () => server.shutdown() };
}
