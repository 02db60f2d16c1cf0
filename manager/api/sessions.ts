/** /api/v1/sessions (live and recent viewer sessions, Drop) and /api/v1/stats/channels. */
import { createRoute, z } from "@hono/zod-openapi";
import {
  ChannelStats,
  getSession,
  listChannelStats,
  listSessions,
  requestDrop,
  SessionView,
} from "../../common/streams/sessions.ts";
import type { ManagerDeps } from "../deps.ts";
import { apiRouter, errors, IdParam, json, listOf } from "./_common.ts";

/** Routes of sessions and viewing statistics. */
export function sessionsApi(deps: ManagerDeps) {
  const app = apiRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/sessions",
      tags: ["Sessions"],
      request: {
        query: z.object({
          ended: z.enum(["true", "false"]).optional().openapi({
            description: "also the sessions ended in the last day",
          }),
        }),
      },
      responses: {
        200: json(listOf(SessionView, "SessionList"), "Sessions, newest first"),
        ...errors,
      },
    }),
    async (c) => {
      const ended = c.req.valid("query").ended === "true";
      return c.json({ items: await listSessions(deps.kv, { ended }), cursor: null }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/sessions/{id}",
      tags: ["Sessions"],
      request: { params: IdParam },
      responses: { 200: json(SessionView, "The session with its counters"), ...errors },
    }),
    async (c) => c.json(await getSession(deps.kv, c.req.valid("param").id), 200),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/sessions/{id}",
      tags: ["Sessions"],
      request: { params: IdParam },
      responses: {
        202: { description: "The proxy serving it ends it (within a second)" },
        ...errors,
      },
    }),
    async (c) => {
      await requestDrop(deps.kv, c.req.valid("param").id);
      return c.body(null, 202);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/stats/channels",
      tags: ["Sessions"],
      responses: {
        200: json(listOf(ChannelStats, "ChannelStatsList"), "Viewing statistics per channel"),
        ...errors,
      },
    }),
    async (c) => c.json({ items: await listChannelStats(deps.kv), cursor: null }, 200),
  );
  return app;
}
