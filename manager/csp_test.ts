import { doesNotMatch, match } from "node:assert/strict";
import { contentSecurityPolicy } from "./csp.ts";

Deno.test("contentSecurityPolicy() widens connect-src and media-src only for a page's player", () => {
  const plain = contentSecurityPolicy({ externalImages: false });
  match(plain, /connect-src 'self';/);
  doesNotMatch(plain, /media-src|blob:/);
  const player = contentSecurityPolicy({
    externalImages: false,
    mediaOrigins: ["http://192.168.1.10:8089"],
  });
  match(player, /connect-src 'self' http:\/\/192\.168\.1\.10:8089;/);
  match(player, /media-src 'self' blob:;/);
  // Scripts and workers stay as strict as on every other page.
  match(player, /script-src 'self';/);
  doesNotMatch(player, /worker-src|unsafe-eval/);
});
