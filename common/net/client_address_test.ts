import { deepEqual } from "node:assert/strict";
import { clientInfo, parseTrustedProxies } from "./client_address.ts";

const proxies = parseTrustedProxies(["10.0.0.1", "10.9.0.0/16"]);
const info = (remote: string, headers: Record<string, string>, https = false) =>
  clientInfo(remote, new Headers(headers), { trustedProxies: proxies, directHttps: https });

Deno.test("clientInfo() believes no forwarded header without TRUSTED_PROXIES", () => {
  const none = { trustedProxies: [], directHttps: false };
  const h = new Headers({ "x-forwarded-for": "1.2.3.4", "x-forwarded-proto": "https" });
  deepEqual(clientInfo("192.0.2.7", h, none), { address: "192.0.2.7", https: false });
});

Deno.test("clientInfo() believes forwarded headers only from a trusted proxy", () => {
  const h = { "x-forwarded-for": "1.2.3.4", "x-forwarded-proto": "https" };
  deepEqual(info("192.0.2.7", h), { address: "192.0.2.7", https: false }, "not a proxy");
  deepEqual(info("10.0.0.1", h), { address: "1.2.3.4", https: true });
  deepEqual(info("::ffff:10.0.0.1", h), { address: "1.2.3.4", https: true }, "mapped address");
});

Deno.test("clientInfo() takes the rightmost address that is not a trusted proxy", () => {
  // The client wrote "6.6.6.6" itself; the proxy appended the address it saw.
  deepEqual(
    info("10.0.0.1", { "x-forwarded-for": "6.6.6.6, 198.51.100.9" }).address,
    "198.51.100.9",
  );
  deepEqual(
    info("10.0.0.1", { "x-forwarded-for": "198.51.100.9, 10.9.1.1" }).address,
    "198.51.100.9",
    "a chain of trusted proxies is skipped",
  );
  deepEqual(info("10.0.0.1", { "x-forwarded-for": "10.9.1.1" }).address, "10.9.1.1");
  deepEqual(info("10.0.0.1", {}).address, "10.0.0.1");
});

Deno.test("clientInfo() reads RFC 7239 Forwarded with ports, quotes and IPv6", () => {
  deepEqual(
    info("10.0.0.1", { forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https' }),
    { address: "2001:db8:cafe:0:0:0:0:17", https: true },
  );
  deepEqual(
    info("10.0.0.1", {
      forwarded: "for=6.6.6.6;proto=https, for=192.0.2.60:1234;proto=http",
      "x-forwarded-for": "7.7.7.7",
    }),
    { address: "192.0.2.60", https: false },
    "Forwarded wins over X-Forwarded-For, and the proto is the chosen hop's",
  );
});
