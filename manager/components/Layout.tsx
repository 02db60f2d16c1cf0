/** The one page layout: navigation that wraps on phones, the page title, flash messages. */
import type { ComponentChildren } from "preact";
import { render } from "preact-render-to-string";
import type { Context } from "hono";
import { takeNotice } from "../notice.ts";

const NAV = [
  ["/admin/sessions", "Sessions"],
  ["/admin/downstream", "Downstream"],
  ["/admin/proxies", "Proxies"],
  ["/admin/playlists", "Playlists"],
  ["/admin/groups", "Groups"],
  ["/admin/channels", "Channels"],
  ["/admin/epgs", "Guides"],
  ["/admin/icons", "Icons"],
  ["/admin/user-agents", "User agents"],
  ["/admin/account", "Account"],
] as const;

/** Props of the layout. */
export interface LayoutProps {
  title: string;
  path: string;
  csrf?: string;
  user?: string;
  flash?: string | null;
  error?: string | null;
  children: ComponentChildren;
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1d2430;background:#f4f6f9}
a{color:#1f5fbf}header{background:#17202e;color:#fff;display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem;padding:.5rem 1rem}
header .brand{font-weight:700;color:#fff;text-decoration:none;margin-right:.5rem}header nav{display:flex;flex-wrap:wrap;gap:.25rem}
header nav a{color:#cfd8e6;text-decoration:none;padding:.35rem .6rem;border-radius:6px}header nav a.on,header nav a:hover{background:#2c3a52;color:#fff}
header form{margin-left:auto}main{max-width:1200px;margin:0 auto;padding:1rem}h1{font-size:1.4rem;margin:.25rem 0 1rem}
.card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:1rem;margin-bottom:1rem;overflow-x:auto}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #e8ecf1;vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;color:#5b6778}td.url{max-width:22rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}td.url input{width:100%;font-size:.8rem}
.btn,button{display:inline-block;font:inherit;border:1px solid #1f5fbf;background:#1f5fbf;color:#fff;border-radius:6px;padding:.35rem .8rem;cursor:pointer;text-decoration:none}
.btn.secondary,button.secondary{background:#fff;color:#1f5fbf}button.danger{background:#b42318;border-color:#b42318}button.small,.btn.small{padding:.15rem .5rem;font-size:.85rem}
form.inline{display:inline}label{display:block;margin:.6rem 0 .2rem;font-weight:600}
input[type=text],input[type=url],input[type=password],input[type=number],input[type=search],select,textarea{font:inherit;width:100%;max-width:36rem;padding:.4rem;border:1px solid #b8c2cf;border-radius:6px;background:#fff}
textarea{min-height:6rem}.hint{color:#5b6778;font-size:.85rem}.field-error{color:#b42318;font-size:.85rem}
.flash{background:#e7f6ec;border:1px solid #9fd5b0;padding:.5rem .8rem;border-radius:6px;margin-bottom:1rem}
.error{background:#fdecea;border:1px solid #f2b8b5;padding:.5rem .8rem;border-radius:6px;margin-bottom:1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}dl.facts dt{color:#555}dl.facts dd{margin:0;overflow-wrap:anywhere}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:99px;font-size:.8rem;background:#e8ecf1}
.badge.ok{background:#dff3e4;color:#146c2e}.badge.failed{background:#fdecea;color:#b42318}.badge.running{background:#e3ecfb;color:#1f5fbf}.badge.off{background:#f1f1f1;color:#777}
.toolbar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin-bottom:.8rem}.toolbar>*{flex:0 1 auto}
.filters{display:flex;flex-wrap:wrap;gap:.5rem}.filters>*{flex:1 1 12rem;max-width:20rem}
progress{width:100%;max-width:24rem;height:1rem}.muted{color:#5b6778}pre.copy{white-space:pre-wrap;background:#f7f9fb;border:1px solid #dde3ea;padding:.6rem;border-radius:6px;max-height:24rem;overflow:auto}
td.actions{white-space:nowrap}h2{font-size:1.15rem;margin:1.2rem 0 .6rem}.card h2{margin-top:0}.card>:first-child,.card>[data-island]:first-child>[data-island-root]>:first-child{margin-top:0}
:focus-visible{outline:3px solid #1f5fbf;outline-offset:2px}header :focus-visible{outline-color:#fff}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.skip{position:absolute;left:.5rem;top:-3rem;background:#fff;color:#1f5fbf;padding:.4rem .8rem;border-radius:6px;z-index:10}.skip:focus{top:.5rem}main:focus{outline:none}
[data-island=CopyButton]{display:inline-block}.copy-row{display:flex;gap:.4rem;align-items:center}.copy-row input{flex:1;min-width:0}
.copy-status{margin-left:.4rem;color:#146c2e;font-size:.85rem}.player .toolbar{margin:0}.player video{display:block;width:100%;max-width:48rem;aspect-ratio:16/9;background:#000;border-radius:6px;margin-top:.6rem}.player video[hidden]{display:none}pre.copy+[data-island=CopyButton]{margin:-.4rem 0 .6rem}
@media (max-width:640px){main{padding:.5rem}header{padding:.4rem .5rem}header nav a{padding:.2rem .4rem;font-size:.9rem}.filters>*{max-width:none}th.opt,td.opt{display:none}header .brand{flex:1}header nav{order:1;width:100%}
table.stack thead{display:none}table.stack tr{display:block;padding:.4rem 0;border-bottom:1px solid #e8ecf1}
table.stack td{display:block;border:0;padding:.2rem .25rem;white-space:normal}table.stack td.opt{display:none}}
`;

/** Renders a whole page. */
export function Layout(props: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · IPTV manager`}</title>
        <link rel="icon" href="data:," />
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
        {props.csrf && <meta name="csrf-token" content={props.csrf} />}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header>
          <a class="brand" href="/admin">IPTV manager</a>
          {props.user && (
            <nav>
              {NAV.map(([href, label]) => (
                <a href={href} class={props.path.startsWith(href) ? "on" : undefined}>{label}</a>
              ))}
            </nav>
          )}
          {props.user && props.csrf && (
            <form method="post" action="/logout">
              <input type="hidden" name="_csrf" value={props.csrf} />
              <button class="secondary small" type="submit">Log out {props.user}</button>
            </form>
          )}
        </header>
        <main id="main" tabindex={-1}>
          <h1>{props.title}</h1>
          {props.flash && <div class="flash" role="status">{props.flash}</div>}
          {props.error && <div class="error" role="alert">{props.error}</div>}
          {props.children}
        </main>
        <script type="module" src="/static/islands.js"></script>
      </body>
    </html>
  );
}

/** Renders a page in the layout as the response, taking user, CSRF and notice from context. */
export function page(
  c: Context,
  title: string,
  body: ComponentChildren,
  opts: { status?: 200 | 403 | 404 | 409 | 422 | 429; error?: string | null } = {},
): Response {
  const vars = c.var as { user?: { username: string }; session?: { csrfToken: string } | null };
  const flash = takeNotice(c);
  const html = "<!doctype html>" + render(
    <Layout
      title={title}
      path={new URL(c.req.url).pathname}
      csrf={vars.session?.csrfToken}
      user={vars.user?.username}
      flash={flash}
      error={opts.error}
    >
      {body}
    </Layout>,
  );
  return c.html(html, opts.status ?? 200);
}

/** A hidden CSRF field for forms. */
export function Csrf(props: { c: Context }) {
  const s = (props.c.var as { session?: { csrfToken: string } | null }).session;
  return <input type="hidden" name="_csrf" value={s?.csrfToken ?? ""} />;
}
