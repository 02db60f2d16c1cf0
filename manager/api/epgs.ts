/** /api/v1/epgs: upstream guides (XMLTV) and their imports. */
import { createRoute } from "@hono/zod-openapi";
import { Epg, EpgImportRun, EpgInput } from "../../common/xmltv/schemas.ts";
import type { ManagerDeps } from "../deps.ts";
import { epgView, epgViews, removeEpg, saveEpg } from "../services/epgs.ts";
import { apiRouter, errors, IdParam, json, listOf } from "./_common.ts";

const View = Epg.extend({ lastImport: EpgImportRun.nullable() }).openapi("EpgView");
const body = { content: { "application/json": { schema: EpgInput } }, required: true };
const tags = ["Guides"];

/** Routes of the guide API. */
export function epgsApi(deps: ManagerDeps) {
  const app = apiRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/epgs",
      tags,
      responses: { 200: json(listOf(View, "EpgList"), "All guides"), ...errors },
    }),
    async (c) => c.json({ items: await epgViews(deps), cursor: null }, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/epgs",
      tags,
      request: { body },
      responses: { 201: json(View, "Created"), ...errors },
    }),
    async (c) => {
      const epg = await saveEpg(deps, null, c.req.valid("json"));
      return c.json(await epgView(deps, epg.id), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/epgs/{id}",
      tags,
      request: { params: IdParam },
      responses: { 200: json(View, "The guide with its last import"), ...errors },
    }),
    async (c) => c.json(await epgView(deps, c.req.valid("param").id), 200),
  );
  app.openapi(
    createRoute({
      method: "put",
      path: "/epgs/{id}",
      tags,
      request: { params: IdParam, body },
      responses: { 200: json(View, "Updated"), ...errors },
    }),
    async (c) => {
      const epg = await saveEpg(deps, c.req.valid("param").id, c.req.valid("json"));
      return c.json(await epgView(deps, epg.id), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "delete",
      path: "/epgs/{id}",
      tags,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted with its channels and programmes" }, ...errors },
    }),
    async (c) => {
      await removeEpg(deps, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/epgs/{id}/import",
      tags,
      request: { params: IdParam },
      responses: { 202: json(EpgImportRun, "The import started; poll the guide"), ...errors },
    }),
    async (c) => {
      const { run } = await deps.startEpgImport(c.req.valid("param").id, "api");
      return c.json(run, 202);
    },
  );
  return app;
}
