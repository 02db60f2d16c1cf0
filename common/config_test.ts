import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { ConfigError, describeVariables, loadConfig, parseListValue } from "./config.ts";

Deno.test("loadConfig() gives the seed's defaults with no environment", () => {
  const c = loadConfig({});
  equal(c.managementPort, 8088);
  equal(c.proxyPort, 8089);
  equal(c.socketAddress, "0.0.0.0");
  equal(c.dataDir, "./data");
  equal(c.adminUsername, "admin");
  equal(c.adminPasswordConfigured, false);
  deepEqual(c.allowedUrlSchemes, ["http", "https", "mmsh", "mmst", "mmsu", "mms", "rtmp", "rtsp"]);
  deepEqual(c.blockedPathTypes, [".m3u", ".mpd"], "HLS .m3u8 is allowed: the proxy streams it");
  deepEqual(c.blockedUrlRegexes, ["output=playlist.m3u[8]?", "www.youtube.com/"]);
  equal(c.playlistTimeout, 120);
  equal(c.iconTimeout, 15);
  equal(c.streamTimeout, 15);
  equal(c.timeZone, "UTC");
});

Deno.test("loadConfig() accepts the seed's Django names as aliases", () => {
  const c = loadConfig({
    DJANGO_SUPERUSER_USERNAME: "boss",
    DJANGO_SUPERUSER_PASSWORD: "s3cret-s3cret",
    LOGLEVEL: "WARNING",
    BLOCKED_URL_REGEXS: "['a+b', 'c']",
  });
  equal(c.adminUsername, "boss");
  equal(c.adminPassword, "s3cret-s3cret");
  equal(c.adminPasswordConfigured, true);
  equal(c.logLevel, "warning");
  deepEqual(c.blockedUrlRegexes, ["a+b", "c"]);
  // Our names win over the aliases.
  equal(loadConfig({ ADMIN_USERNAME: "a", DJANGO_SUPERUSER_USERNAME: "b" }).adminUsername, "a");
});

Deno.test("loadConfig() names every bad variable in its error", () => {
  throws(
    () => loadConfig({ INTERNAL_MANAGEMENT_PORT: "eighty", TIME_ZONE: "Mars/Olympus" }),
    (e: unknown) => {
      const msg = (e as Error).message;
      match(
        msg,
        /INTERNAL_MANAGEMENT_PORT must be a whole number from 0 to 65535 \(got "eighty"\)/,
      );
      match(msg, /TIME_ZONE must be an IANA time zone/);
      return e instanceof ConfigError;
    },
  );
  throws(
    () => loadConfig({ PLAYLIST_TIMEOUT: "-3" }),
    /PLAYLIST_TIMEOUT must be a number of seconds/,
  );
  throws(
    () => loadConfig({ BLOCKED_URL_REGEXS: "['(unclosed']" }),
    /BLOCKED_URL_REGEXS "\(unclosed" is not a valid regular expression/,
  );
  throws(() => loadConfig({ DEBUG: "maybe" }), /DEBUG must be true or false/);
  throws(
    () => loadConfig({ MANAGEMENT_URL: "localhost" }),
    /MANAGEMENT_URL must be an http\(s\) URL/,
  );
});

Deno.test("parseListValue() reads Python-style, JSON, comma and newline lists", () => {
  deepEqual(parseListValue("['http', 'https']"), ["http", "https"]);
  deepEqual(parseListValue('["a,b", "c"]'), ["a,b", "c"]);
  deepEqual(parseListValue("a, b ,c"), ["a", "b", "c"]);
  deepEqual(parseListValue("x,y\nz"), ["x,y", "z"]);
  deepEqual(parseListValue("[]"), []);
  deepEqual(parseListValue(""), []);
});

Deno.test("describeVariables() lists every seed variable of manager and proxy", () => {
  const names = new Set(describeVariables().flatMap((v) => [v.name, ...v.aliases]));
  const seed = [
    "TIME_ZONE",
    "DJANGO_SUPERUSER_USERNAME",
    "DJANGO_SUPERUSER_EMAIL",
    "DJANGO_SUPERUSER_PASSWORD",
    "SECRET_KEY",
    "DEBUG",
    "LOGLEVEL",
    "ALLOWED_URL_SCHEMES",
    "BLOCKED_PATH_TYPES",
    "BLOCKED_URL_REGEXS",
    "SOCKET_ADDRESS",
    "MANAGEMENT_URL",
    "INTERNAL_MANAGEMENT_PORT",
    "EXTERNAL_MANAGEMENT_PORT",
    "INTERNAL_TIMEOUT",
    "USER_AGENT_STRING",
    "PLAYLIST_TIMEOUT",
    "EPG_TIMEOUT",
    "ICON_TIMEOUT",
    "ALLOWED_HOSTS",
    "REPORTING_TIMEOUT",
    "PROXY_NAME",
    "INTERNAL_PROXY_URL",
    "INTERNAL_PROXY_PORT",
    "EXTERNAL_PROXY_URL",
    "EXTERNAL_PROXY_PORT",
    "STREAM_TIMEOUT",
  ];
  for (const s of seed) ok(names.has(s), s);
});

Deno.test("loadConfig() reads the security variables and their safe defaults", () => {
  const d = loadConfig({});
  deepEqual(d.trustedProxies, [], "no forwarded header is believed by default");
  deepEqual(d.allowedPrivateHosts, [], "no internal address is open to providers by default");
  equal(d.maxPlaylistMb, 256);
  equal(d.maxEpgMb, 1024);
  equal(d.maxPlaylistEntries, 1_000_000);
  const c = loadConfig({
    TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8, fd00::/8",
    ALLOWED_PRIVATE_HOSTS: "['TVH.lan', '192.168.1.0/24', '.home.arpa', '10.1.2.3']",
    MAX_EPG_MB: "64",
    MAX_PLAYLIST_ENTRIES: "5000",
  });
  deepEqual(c.trustedProxies, ["127.0.0.1", "10.0.0.0/8", "fd00::/8"]);
  deepEqual(c.allowedPrivateHosts, ["tvh.lan", "192.168.1.0/24", ".home.arpa", "10.1.2.3"]);
  equal(c.maxEpgMb, 64);
  equal(c.maxPlaylistEntries, 5000);
  throws(() => loadConfig({ TRUSTED_PROXIES: "proxy.lan" }), /TRUSTED_PROXIES "proxy.lan" is not/);
  throws(() => loadConfig({ TRUSTED_PROXIES: "10.0.0.0/33" }), /TRUSTED_PROXIES/);
  throws(() => loadConfig({ ALLOWED_PRIVATE_HOSTS: "http://x/" }), /ALLOWED_PRIVATE_HOSTS/);
  throws(() => loadConfig({ MAX_PLAYLIST_ENTRIES: "0" }), /MAX_PLAYLIST_ENTRIES/);
});
