/**
 * /api/v1/metrics: counts in the Prometheus text format (0.0.4), for a metrics token to scrape.
 * Nothing in it is secret: names of sources stay out, only numbers.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { listEpgs } from "../../common/db/epgs.ts";
import { listDownstreamPlaylists } from "../../common/db/downstream_playlists.ts";
import { listUpstreamPlaylists } from "../../common/db/upstream_playlists.ts";
import type { ManagerDeps } from "../deps.ts";
import { apiRouter, errors } from "./_common.ts";
import { METRICS_PATH } from "./scopes.ts";

function metric(
  name: string,
  opts: { type?: "gauge" | "counter"; help: string; lines: string[] },
): string {
  const type = opts.type ?? "gauge";
  return `# HELP ${name} ${opts.help}\n# TYPE ${name} ${type}\n${opts.lines.join("\n")}\n`;
}

/** Routes of the metrics API. */
export function metricsApi(deps: ManagerDeps) {
  const app = apiRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: METRICS_PATH,
      tags: ["Metrics"],
      responses: {
        200: {
          content: { "text/plain": { schema: z.string() } },
          description: "Counts in the Prometheus text format",
        },
        ...errors,
      },
    }),
    async (c) => {
      const [upstream, guides, downstream] = await Promise.all([
        listUpstreamPlaylists(deps.kv),
        listEpgs(deps.kv),
        listDownstreamPlaylists(deps.kv),
      ]);
      const icons = deps.icons.counts();
      const body = [
        metric("iptv_upstream_playlists", {
          help: "Upstream playlists.",
          lines: [`iptv_upstream_playlists ${upstream.length}`],
        }),
        metric("iptv_guides", {
          help: "Upstream guides.",
          lines: [`iptv_guides ${guides.length}`],
        }),
        metric("iptv_downstream_playlists", {
          help: "Downstream playlists.",
          lines: [`iptv_downstream_playlists ${downstream.length}`],
        }),
        metric("iptv_channels", {
          help: "Channels of all upstream playlists.",
          lines: [`iptv_channels ${deps.index.count()}`],
        }),
        metric("iptv_icons", {
          help: "Cached icons by status.",
          lines: [
            `iptv_icons{status="ok"} ${icons.ok}`,
            `iptv_icons{status="pending"} ${icons.pending}`,
            `iptv_icons{status="failed"} ${icons.failed}`,
          ],
        }),
        metric("iptv_password_checks_total", {
          type: "counter",
          help: "Password checks made by this process (each counted before it was made).",
          lines: [`iptv_password_checks_total ${deps.guard.passwordChecks}`],
        }),
      ].join("");
      return c.text(body, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    },
  );
  return app;
}
