import { deepEqual, equal, ok } from "node:assert/strict";
import { cidrContains, formatIp, internalRange, parseCidr, parseIp } from "./ip.ts";

Deno.test("parseIp() reads IPv4 and every IPv6 spelling, and nothing else", () => {
  deepEqual([...parseIp("192.0.2.10")!], [192, 0, 2, 10]);
  equal(formatIp(parseIp("::1")!), "0:0:0:0:0:0:0:1");
  equal(formatIp(parseIp("[fe80::1%eth0]")!), "fe80:0:0:0:0:0:0:1");
  equal(formatIp(parseIp("::ffff:127.0.0.1")!), "0:0:0:0:0:ffff:7f00:1");
  equal(formatIp(parseIp("2001:db8:0:0:0:0:2:1")!), "2001:db8:0:0:0:0:2:1");
  for (
    const bad of ["", "1.2.3", "1.2.3.256", "01.2.3.4", "0x7f.0.0.1", "1:2:3", "::1::", "x::1"]
  ) {
    equal(parseIp(bad), null, bad);
  }
});

Deno.test("cidrContains() matches ranges, with IPv4-mapped IPv6 as IPv4", () => {
  const lan = parseCidr("192.168.1.0/24")!;
  ok(cidrContains(lan, parseIp("192.168.1.77")!));
  ok(!cidrContains(lan, parseIp("192.168.2.1")!));
  ok(cidrContains(lan, parseIp("::ffff:192.168.1.5")!));
  ok(cidrContains(parseCidr("10.1.2.3")!, parseIp("10.1.2.3")!));
  ok(cidrContains(parseCidr("fd00::/8")!, parseIp("fd12::1")!));
  ok(cidrContains(parseCidr("0.0.0.0/0")!, parseIp("8.8.8.8")!));
  equal(parseCidr("10.0.0.0/33"), null);
});

Deno.test("internalRange() names every internal range and passes public addresses", () => {
  const internal = [
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.0.1",
    "169.254.169.254",
    "100.100.100.200",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "fe80::1",
    "fd00:ec2::254",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::7f00:1",
    "2002:7f00:1::",
    "::127.0.0.1",
    "ff02::1",
  ];
  for (const a of internal) ok(internalRange(parseIp(a)!), a);
  for (const a of ["8.8.8.8", "1.1.1.1", "172.32.0.1", "192.0.2.1", "2001:4860:4860::8888"]) {
    equal(internalRange(parseIp(a)!), null, a);
  }
  equal(
    internalRange(parseIp("169.254.169.254")!),
    "a link-local address (cloud metadata lives here)",
  );
});
