/** The JSON API under /api/v1, behind API authentication, with its OpenAPI document. */
import type { ManagerDeps } from "../deps.ts";
import { requireApiAuth } from "../auth.ts";
import { apiRouter } from "./_common.ts";
import { channelsApi } from "./channels.ts";
import { downstreamEditorApi } from "./downstream_editor.ts";
import { epgsApi } from "./epgs.ts";
import { metricsApi } from "./metrics.ts";
import { outputsApi } from "./outputs.ts";
import { sessionsApi } from "./sessions.ts";
import { tokensApi } from "./tokens.ts";
import { upstreamPlaylistsApi } from "./upstream_playlists.ts";
import { userAgentsApi } from "./user_agents.ts";

/** Builds the /api/v1 router. */
export function createApi(deps: ManagerDeps) {
  const api = apiRouter();
  api.use("*", requireApiAuth(deps));
  api.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "basic", {
    type: "http",
    scheme: "basic",
  });
  api.route("/", userAgentsApi(deps));
  api.route("/", upstreamPlaylistsApi(deps));
  api.route("/", channelsApi(deps));
  api.route("/", epgsApi(deps));
  api.route("/", tokensApi(deps));
  api.route("/", downstreamEditorApi(deps));
  api.route("/", outputsApi(deps));
  api.route("/", sessionsApi(deps));
  api.route("/", metricsApi(deps));
  api.doc("/openapi.json", {
    openapi: "3.0.3",
    info: { title: "IPTV manager API", version: "1.0.0" },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }, { basic: [] }],
  });
  return api;
}
