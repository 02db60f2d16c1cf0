/** /api/v1/user-agents */
import { createRoute } from "@hono/zod-openapi";
import {
  createUserAgent,
  deleteUserAgent,
  getUserAgent,
  listUserAgents,
  updateUserAgent,
} from "../../common/db/user_agents.ts";
import { UserAgent, UserAgentInput } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import { apiRouter, errors, IdParam, json, listOf } from "./_common.ts";

const body = { content: { "application/json": { schema: UserAgentInput } }, required: true };

/** Routes of the user agent API. */
export function userAgentsApi(deps: ManagerDeps) {
  const app = apiRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/user-agents",
      tags: ["User agents"],
      responses: { 200: json(listOf(UserAgent, "UserAgentList"), "All user agents"), ...errors },
    }),
    async (c) => c.json({ items: await listUserAgents(deps.kv), cursor: null }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/user-agents",
      tags: ["User agents"],
      request: { body },
      responses: { 201: json(UserAgent, "Created"), ...errors },
    }),
    async (c) => c.json(await createUserAgent(deps.kv, c.req.valid("json")), 201),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/user-agents/{id}",
      tags: ["User agents"],
      request: { params: IdParam },
      responses: { 200: json(UserAgent, "The user agent"), ...errors },
    }),
    async (c) => c.json(await getUserAgent(deps.kv, c.req.valid("param").id), 200),
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/user-agents/{id}",
      tags: ["User agents"],
      request: { params: IdParam, body },
      responses: { 200: json(UserAgent, "Updated"), ...errors },
    }),
    async (c) =>
      c.json(await updateUserAgent(deps.kv, c.req.valid("param").id, c.req.valid("json")), 200),
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/user-agents/{id}",
      tags: ["User agents"],
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, ...errors },
    }),
    async (c) => {
      await deleteUserAgent(deps.kv, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
  return app;
}
