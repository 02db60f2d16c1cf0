/** The OpenAPI document: valid, complete, and its list routes answer as it says. */
import { deepEqual, equal, ok } from "node:assert/strict";
import SwaggerParser from "@apidevtools/swagger-parser";
import { ADMIN_AUTH, apiClient, startTestManager } from "../testing/harness.ts";
import { listRoutes, type OpenApiDocument, shapeErrors } from "../testing/openapi_client.ts";

const opts = {};
/** The admin resources: each takes PATCH besides the other five routes. */
const RESOURCES = [
  "/user-agents",
  "/upstream-playlists",
  "/epgs",
  "/proxies",
  "/downstream-playlists",
  "/api-tokens",
];

Deno.test(
  "the OpenAPI document is valid and every documented list route answers its documented shape",
  opts,
  async () => {
    const m = await startTestManager();
    const call = apiClient(m);
    try {
      // Something in every list, so the shapes are checked on real items.
      const ua = await call("POST", "/user-agents", { name: "VLC", userAgent: "VLC/3" });
      await call("POST", "/upstream-playlists", {
        name: "P",
        url: "http://127.0.0.1:1/p.m3u",
        userAgentId: ua.body.id,
      });
      await call("POST", "/epgs", { name: "G", url: "http://127.0.0.1:1/g.xml" });
      await call("POST", "/proxies", {
        name: "Box",
        internalUrl: "http://127.0.0.1",
        internalPort: 8089,
        externalUrl: "http://192.168.1.2",
        externalPort: 8089,
      });
      await call("POST", "/downstream-playlists", { name: "Room", streamMode: "direct" });
      await call("POST", "/api-tokens", { name: "HA" });

      const raw = await call("GET", "/openapi.json");
      equal(raw.status, 200);
      // validate() dereferences in place: keep the document as served for the routes below.
      await SwaggerParser.validate(structuredClone(raw.body));
      const doc = await SwaggerParser.dereference(
        structuredClone(raw.body),
      ) as unknown as OpenApiDocument;

      for (const path of RESOURCES) {
        deepEqual(Object.keys(doc.paths[path]).sort(), ["get", "post"], path);
        deepEqual(Object.keys(doc.paths[`${path}/{id}`]).sort(), ["delete", "get", "patch", "put"]);
      }
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          const codes = Object.keys(op.responses);
          ok(codes.some((s) => s.startsWith("2")), `${method} ${path} documents its answer`);
          ok(codes.includes("401"), `${method} ${path} documents its errors`);
        }
      }

      const routes = listRoutes(doc);
      // The checker is not vacuous: an item without its fields does not pass.
      const uaList = routes.find((r) => r.path === "/user-agents")!.content["application/json"];
      ok(shapeErrors(uaList.schema, { items: [{ name: 5 }], cursor: null }).length >= 2);
      ok(routes.length >= RESOURCES.length + 4, routes.map((r) => r.path).join(" "));
      for (const route of routes) {
        const res = await fetch(`${m.base}/api/v1${route.path}`, { headers: ADMIN_AUTH });
        equal(res.status, 200, `GET ${route.path}`);
        const type = res.headers.get("content-type")?.split(";")[0] ?? "";
        const documented = route.content[type];
        ok(documented, `GET ${route.path} answers ${type}, which the document names`);
        const body = type === "application/json" ? await res.json() : await res.text();
        deepEqual(shapeErrors(documented.schema, body), [], `GET ${route.path}`);
      }
    } finally {
      await m.close();
    }
  },
);
