/** The JSON API under /api/v1, behind API authentication, with its OpenAPI document. */
import type { ManagerDeps } from "../deps.ts";
import { requireApiAuth } from "../auth.ts";
import { apiRouter } from "./_common.ts";
import { channelsApi } from "./channels.ts";
import { downstreamEditorApi } from "./downstream_editor.ts";
import { metricsApi } from "./metrics.ts";
import { outputsApi } from "./outputs.ts";
import { sessionsApi } from "./sessions.ts";
import type { MountableResource } from "../resources/define.ts";

/** Builds the /api/v1 router with the routes of every resource. */
export function createApi(deps: ManagerDeps, resources: readonly MountableResource[]) {
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
  // Before the resources: its paths sit under /downstream-playlists/.
  api.route("/", downstreamEditorApi(deps));
  for (const r of resources) api.route("/", r.api(deps));
  api.route("/", channelsApi(deps));
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
