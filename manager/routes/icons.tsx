/** /admin/icons: the icon cache, filtered by status and paged; re-fetch, delete, replace. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { ValidationError } from "../../common/errors.ts";
import { extensionFor, type Icon, IconStatus, MAX_ICON_BYTES } from "../../common/icons/mod.ts";
import type { ManagerEnv } from "../auth.ts";
import { Csrf, page } from "../components/Layout.tsx";
import { TableHead } from "../components/TableHead.tsx";
import type { ManagerDeps } from "../deps.ts";
import { formText } from "../resources/form.ts";
import { redirectWithNotice } from "../notice.ts";

const PAGE = 50;

const ListQuery = z.object({
  status: IconStatus.or(z.literal("")).optional().catch("").default(""),
  q: z.string().trim().max(500).optional().catch("").default(""),
  offset: z.coerce.number().int().min(0).optional().catch(0).default(0),
});
type ListQuery = z.infer<typeof ListQuery>;

/** Query string of a list view. */
function listHref(q: ListQuery, changes: Partial<ListQuery> = {}): string {
  const all = { ...q, ...changes };
  const params = new URLSearchParams();
  if (all.status) params.set("status", all.status);
  if (all.q) params.set("q", all.q);
  if (all.offset) params.set("offset", String(all.offset));
  const s = params.toString();
  return `/admin/icons${s ? `?${s}` : ""}`;
}

/** The list view a form came from (its hidden `back` field holds the query string). */
function backQuery(body: Record<string, unknown>): ListQuery {
  const back = formText.parse(body.back);
  return ListQuery.parse(Object.fromEntries(new URLSearchParams(back)));
}

function formatSize(bytes: number | null): string {
  if (bytes === null) return "";
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10240 ? 1 : 0)} KiB`;
}

/** Phone width: each row becomes a small card, preview on the left, the rest stacked. */
const CSS = `
table.icons td.size{white-space:nowrap}table.icons .badge{margin-right:.25rem}
table.icons form.inline+form.inline{margin-left:.25rem}table.icons details form{margin-top:.3rem}
@media (max-width:640px){table.icons thead{display:none}
table.icons tr{display:grid;grid-template-columns:44px minmax(0,1fr);gap:.3rem .6rem;padding:.6rem 0;border-bottom:1px solid #e8ecf1}
table.icons td{border:0;padding:0;min-width:0}table.icons td.preview{grid-row:span 3}table.icons td.url{max-width:none}}
`;

const STATUS_LABEL: Record<IconStatus, string> = { pending: "Pending", ok: "OK", failed: "Failed" };

function StatusCell(props: { icon: Icon }) {
  const { icon } = props;
  const cls = icon.status === "pending" ? "running" : icon.status;
  // The URL is in the next cell already: show the rest of the message, all of it on hover.
  const prefix = `Icon ${icon.sourceUrl} `;
  const short = icon.error?.startsWith(prefix) ? icon.error.slice(prefix.length) : icon.error;
  return (
    <td>
      <span class={`badge ${cls}`}>{STATUS_LABEL[icon.status]}</span>
      {icon.uploaded && <span class="badge">uploaded</span>}
      {short && <div class="field-error" title={icon.error ?? ""}>{short}</div>}
      {icon.status === "failed" && icon.etag && (
        <div class="hint">Still serving the copy from {icon.fetchedAt?.slice(0, 10)}.</div>
      )}
    </td>
  );
}

function Actions(props: { c: Context<ManagerEnv>; icon: Icon; back: string }) {
  const { c, icon, back } = props;
  const hidden = (
    <>
      <Csrf c={c} />
      <input type="hidden" name="back" value={back} />
    </>
  );
  return (
    <td>
      <form method="post" action={`/admin/icons/${icon.id}/refetch`} class="inline">
        {hidden}
        <button class="small secondary" type="submit">Re-fetch</button>
      </form>
      <form method="post" action={`/admin/icons/${icon.id}/delete`} class="inline">
        {hidden}
        <button class="small danger" type="submit">Delete</button>
      </form>
      <details>
        <summary>Replace</summary>
        <form
          method="post"
          action={`/admin/icons/${icon.id}/upload`}
          enctype="multipart/form-data"
        >
          {hidden}
          <input type="file" name="file" accept="image/*" required aria-label="Image file" />
          <button class="small" type="submit">Upload</button>
          <div class="hint">PNG, JPEG, GIF, WebP or SVG, at most 1 MiB.</div>
        </form>
      </details>
    </td>
  );
}

/** Routes of the icon pages. */
export function iconRoutes(deps: ManagerDeps) {
  const app = new Hono<ManagerEnv>();

  const list = (
    c: Context<ManagerEnv>,
    q: ListQuery,
    opts: { error?: string; status?: 422 } = {},
  ) => {
    const result = deps.icons.list({ status: q.status || undefined, q: q.q }, q.offset, PAGE);
    const counts = deps.icons.counts();
    const uses = deps.index.attrCounts("tvg-logo");
    const back = listHref(q).replace(/^\/admin\/icons\??/, "");
    const tabs: [ListQuery["status"], string, number][] = [
      ["", "All", counts.total],
      ["pending", "Pending", counts.pending],
      ["ok", "OK", counts.ok],
      ["failed", "Failed", counts.failed],
    ];
    const last = result.offset + result.items.length;
    return page(
      c,
      "Icons",
      <>
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
        <div class="toolbar">
          <nav class="filters" aria-label="Status" style="flex:1 1 100%">
            {tabs.map(([status, label, n]) => (
              <a
                class={`btn small ${q.status === status ? "" : "secondary"}`}
                style="flex:0 0 auto"
                href={listHref(q, { status, offset: 0 })}
                aria-current={q.status === status ? "page" : undefined}
              >
                {label} ({n.toLocaleString("en")})
              </a>
            ))}
          </nav>
          <form method="get" action="/admin/icons" class="toolbar" style="margin:0">
            {q.status && <input type="hidden" name="status" value={q.status} />}
            <input
              type="search"
              name="q"
              value={q.q}
              placeholder="Source URL contains…"
              aria-label="Source URL contains"
              style="width:16rem;max-width:60vw"
            />
            <button type="submit" class="secondary">Search</button>
          </form>
          {counts.failed > 0 && (
            <form method="post" action="/admin/icons/refetch-failed" class="inline">
              <Csrf c={c} />
              <input type="hidden" name="back" value={back} />
              <button type="submit" class="secondary">Retry all failed</button>
            </form>
          )}
        </div>
        <div class="card">
          {result.total === 0
            ? (
              <p class="muted">
                {counts.total === 0
                  ? "No icons yet: they are collected from tvg-logo when a playlist is imported."
                  : "No icons match."}
              </p>
            )
            : (
              <>
                <p class="muted">
                  {result.offset + 1}–{last} of{" "}
                  {result.total.toLocaleString("en")}. Icons are fetched with ICON_TIMEOUT and a cap
                  of 1 MiB.
                </p>
                <table class="icons">
                  <TableHead
                    headings={[
                      { head: "Icon" },
                      { head: "Source" },
                      { head: "Size", opt: true },
                      { head: "Status" },
                      { head: "Channels", opt: true },
                    ]}
                  />
                  <tbody>
                    {result.items.map((icon) => (
                      <tr data-icon={icon.id}>
                        <td class="preview">
                          {icon.etag && icon.contentType
                            ? (
                              <img
                                src={`/manager/icons/${icon.id}${
                                  extensionFor(icon.contentType)
                                }?v=${icon.etag.slice(0, 8)}`}
                                alt=""
                                width={40}
                                height={40}
                                loading="lazy"
                                style="object-fit:contain;background:#eef1f5;border-radius:4px"
                              />
                            )
                            : <span class="muted">—</span>}
                        </td>
                        <td class="url" title={icon.sourceUrl}>
                          <a href={icon.sourceUrl} rel="noreferrer noopener" target="_blank">
                            {icon.sourceUrl}
                          </a>
                        </td>
                        <td class="opt size">{formatSize(icon.size)}</td>
                        <StatusCell icon={icon} />
                        <td class="opt">{uses.get(icon.sourceUrl) ?? 0}</td>
                        <Actions c={c} icon={icon} back={back} />
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p class="toolbar" style="margin-top:.8rem">
                  {result.offset > 0 && (
                    <a
                      class="btn secondary small"
                      href={listHref(q, { offset: Math.max(0, result.offset - PAGE) })}
                    >
                      Previous
                    </a>
                  )}
                  {result.nextOffset !== null && (
                    <a
                      class="btn secondary small"
                      href={listHref(q, { offset: result.nextOffset })}
                    >
                      Next
                    </a>
                  )}
                </p>
              </>
            )}
        </div>
      </>,
      opts,
    );
  };

  app.get("/", (c) => list(c, ListQuery.parse(c.req.query())));
  app.post("/refetch-failed", async (c) => {
    const q = backQuery(await c.req.parseBody());
    const n = deps.icons.refetchFailed();
    return redirectWithNotice(c, listHref(q), { notice: `Fetching ${n} failed icons again` });
  });
  app.post("/:id/refetch", async (c) => {
    const q = backQuery(await c.req.parseBody());
    await deps.icons.refetch(c.req.param("id"));
    return redirectWithNotice(c, listHref(q), { notice: "Icon queued to be fetched again" });
  });
  app.post("/:id/delete", async (c) => {
    const q = backQuery(await c.req.parseBody());
    await deps.icons.delete(c.req.param("id"));
    return redirectWithNotice(c, listHref(q), { notice: "Icon deleted" });
  });
  app.post("/:id/upload", async (c) => {
    // The login middleware parsed the multipart body already (for _csrf); this is its cache.
    const body = await c.req.parseBody();
    const q = backQuery(body);
    const file = body.file;
    if (!(file instanceof File) || file.size === 0) {
      return list(c, q, { error: "Choose an image file to upload", status: 422 });
    }
    if (file.size > MAX_ICON_BYTES) {
      return list(c, q, { error: "The file is larger than 1 MiB", status: 422 });
    }
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      await deps.icons.upload(c.req.param("id"), bytes, file.type);
    } catch (err) {
      if (err instanceof ValidationError) return list(c, q, { error: err.message, status: 422 });
      throw err;
    }
    return redirectWithNotice(c, listHref(q), { notice: "Icon replaced" });
  });
  return app;
}
