/** Streaming proxies (manual, or registered by a proxy process itself): pages and API. */
import { z } from "@hono/zod-openapi";
import { proxies } from "../../common/db/proxies.ts";
import { HEARTBEAT_STALE_MS, listHeartbeats } from "../../common/streams/slots.ts";
import { Proxy, ProxyInput } from "../../common/schemas.ts";
import { formatTime } from "../components/Field.tsx";
import type { ManagerDeps } from "../deps.ts";
import { defineResource, repositoryOps } from "../resources/define.ts";
import { nameField } from "../resources/form.ts";
import { joinPort } from "../services/downstream.ts";

/** A proxy with its liveness: online while its heartbeat (every 5 s) is fresh. */
const ProxyView = Proxy.extend({ online: z.boolean() }).openapi("ProxyView");
type ProxyView = z.infer<typeof ProxyView>;

/** Adds liveness from the heartbeats, kept under keys of their own (no output depends on them). */
async function withLiveness(deps: ManagerDeps, list: Proxy[]): Promise<ProxyView[]> {
  const beats = await listHeartbeats(deps.kv);
  return list.map((p) => {
    const at = beats.get(p.name.toLowerCase())?.at;
    return {
      ...p,
      online: Date.now() - (at ?? 0) < HEARTBEAT_STALE_MS,
      lastSeenAt: at ? new Date(at).toISOString() : p.lastSeenAt,
    };
  });
}

// Addresses have no spaces to wrap at; on a phone they would push the row out.
const WRAP = "overflow-wrap:anywhere";
// zod says "expected number, received NaN" for an empty or mistyped port.
const PORT = "A port from 1 to 65535";

/** The proxy resource. */
export const proxyResource = defineResource({
  noun: "Proxy",
  path: "proxies",
  input: ProxyInput,
  fields: [
    nameField(),
    {
      name: "internalUrl",
      label: "Internal URL",
      kind: "text",
      hint: "How the manager reaches the proxy, e.g. http://localhost.",
    },
    { name: "internalPort", label: "Internal port", kind: "number", invalid: PORT },
    {
      name: "externalUrl",
      label: "External URL",
      kind: "text",
      hint: "How your devices reach the proxy; used in playlist stream URLs.",
    },
    { name: "externalPort", label: "External port", kind: "number", invalid: PORT },
  ],
  ops: {
    ...repositoryOps(proxies),
    list: async (deps) => withLiveness(deps, await proxies.list(deps.kv)),
    get: async (deps, id) => {
      const { value, version } = await proxies.getVersioned(deps.kv, id);
      return { value: (await withLiveness(deps, [value]))[0], version };
    },
  },
  pages: {
    title: "Proxies",
    addLabel: "Add proxy",
    empty: "No proxies yet.",
    newTitle: "New proxy",
    editTitle: () => "Edit proxy",
    defaults: (deps) => ({
      internalUrl: "http://localhost",
      internalPort: 8089,
      externalUrl: deps.config.externalProxyUrl,
      externalPort: deps.config.externalProxyPort,
    }),
    columns: [
      {
        head: "Name",
        cell: (p: ProxyView) => (
          <>
            <a href={`/admin/proxies/${p.id}`}>{p.name}</a> <span class="badge">{p.source}</span>
          </>
        ),
      },
      {
        head: "External address",
        cell: (p) => <span style={WRAP}>{joinPort(p.externalUrl, p.externalPort)}</span>,
      },
      {
        head: "Internal",
        opt: true,
        cell: (p) => <span style={WRAP}>{joinPort(p.internalUrl, p.internalPort)}</span>,
      },
      {
        head: "State",
        cell: (p) =>
          p.online ? <span class="badge ok">online</span> : <span class="badge off">offline</span>,
      },
      {
        head: "Last seen",
        opt: true,
        cell: (p, _c, deps) => formatTime(p.lastSeenAt, deps.config.timeZone),
      },
    ],
  },
  api: { path: "/proxies", name: "Proxy", tag: "Proxies", noun: "proxy", view: ProxyView },
});
