/** API tokens as a resource of the API (/api/v1/api-tokens); their pages are the account's. */
import { z } from "@hono/zod-openapi";
import {
  createApiToken,
  getApiToken,
  listApiTokens,
  revokeApiToken,
  updateApiToken,
} from "../../common/db/users.ts";
import { type ApiToken, ApiTokenInput, TokenScope } from "../../common/schemas.ts";
import { defineResource } from "../resources/define.ts";

const TokenView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scope: TokenScope,
  createdAt: z.string(),
}).openapi("ApiTokenView");
type TokenView = z.infer<typeof TokenView>;
const Created = TokenView.extend({ secret: z.string() }).openapi("ApiTokenCreated");

/** A token as shown: never its hash; tokens from before scopes were admin tokens. */
function tokenView(t: ApiToken): TokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    scope: t.scope ?? "admin",
    createdAt: t.createdAt,
  };
}

/** The API token resource. */
export const tokenResource = defineResource({
  noun: "Token",
  path: "account/tokens",
  input: ApiTokenInput,
  fields: [],
  ops: {
    list: async (deps) => (await listApiTokens(deps.kv)).map(tokenView),
    get: async (deps, id) => {
      const { value, version } = await getApiToken(deps.kv, id);
      return { value: tokenView(value), version };
    },
    // The secret is in this answer only; just its hash is stored.
    create: async (input, { deps, userId }) => {
      const { token, secret } = await createApiToken(deps.kv, userId, input);
      return { id: token.id, body: { ...tokenView(token), secret } };
    },
    update: (deps, id, input, opts) => updateApiToken(deps.kv, id, input, opts),
    remove: (deps, id) => revokeApiToken(deps.kv, id),
  },
  api: {
    path: "/api-tokens",
    name: "ApiToken",
    tag: "API tokens",
    noun: "API token",
    view: TokenView,
    created: Created,
  },
});
