/** /api/v1/api-tokens */
import { createRoute, z } from "@hono/zod-openapi";
import { createApiToken, listApiTokens, revokeApiToken } from "../../common/db/users.ts";
import { ApiTokenInput, TokenScope } from "../../common/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import { apiRouter, errors, IdParam, json, listOf } from "./_common.ts";

const TokenView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scope: TokenScope,
  createdAt: z.string(),
}).openapi("ApiTokenView");
const Created = TokenView.extend({ secret: z.string() }).openapi("ApiTokenCreated");
const tags = ["API tokens"];

/** Routes of the API token API. */
export function tokensApi(deps: ManagerDeps) {
  const app = apiRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/api-tokens",
      tags,
      responses: {
        200: json(listOf(TokenView, "ApiTokenList"), "Tokens (never secrets)"),
        ...errors,
      },
    }),
    async (c) => {
      const items = (await listApiTokens(deps.kv)).map((t) => ({
        id: t.id,
        name: t.name,
        prefix: t.prefix,
        scope: t.scope ?? "admin",
        createdAt: t.createdAt,
      }));
      return c.json({ items, cursor: null }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/api-tokens",
      tags,
      request: {
        body: { content: { "application/json": { schema: ApiTokenInput } }, required: true },
      },
      responses: { 201: json(Created, "Created; the secret is shown only now"), ...errors },
    }),
    async (c) => {
      const { token, secret } = await createApiToken(deps.kv, c.var.user.id, c.req.valid("json"));
      const { id, name, prefix, createdAt } = token;
      return c.json({ id, name, prefix, scope: token.scope ?? "admin", createdAt, secret }, 201);
    },
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/api-tokens/{id}",
      tags,
      request: { params: IdParam },
      responses: { 204: { description: "Revoked" }, ...errors },
    }),
    async (c) => {
      await revokeApiToken(deps.kv, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
  return app;
}
