import { describe, expect, it } from "vitest";
import { classifyAddress } from "../../../durable-objects/src/mcp/url-policy/index.ts";

// The classifier alone: no URL parsing, no DNS, no network.
describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["172.15.255.255", "public"],
    ["172.32.0.0", "public"],
    ["100.63.255.255", "public"],
    ["100.128.0.0", "public"],
    ["192.169.0.1", "public"],
    ["127.255.255.254", "loopback"],
    ["0.1.2.3", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["239.255.255.250", "multicast"],
    ["240.0.0.1", "reserved"],
    ["255.255.255.255", "broadcast"],
    ["192.0.2.1", "reserved"],
    ["::", "unspecified"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["[::1]", "loopback"],
    ["2606:4700:4700::1111", "public"],
    ["fc00::1", "private"],
    ["fdff:ffff::1", "private"],
    ["fe80::1", "link-local"],
    ["febf::1", "link-local"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "reserved"],
    ["fe00::1", "reserved"],
    ["64:ff9b::7f00:1", "loopback"], // NAT64 of 127.0.0.1
    ["64:ff9b::a00:5", "private"], // NAT64 of 10.0.0.5
    ["64:ff9b::808:808", "public"], // NAT64 of 8.8.8.8
    ["2002:7f00:1::", "loopback"], // 6to4 of 127.0.0.1
    ["2002:c0a8:101::1", "private"], // 6to4 of 192.168.1.1
    ["2002:808:808::1", "public"],
    ["::ffff:1.2.3.4", "public"],
    ["::ffff:169.254.169.254", "link-local"],
    ["::7f00:1", "loopback"], // deprecated IPv4-compatible form
    ["::808:808", "reserved"],
  ])("%s is %s", (address, category) => {
    expect(classifyAddress(address)?.category).toBe(category);
  });

  it.each([
    "localhost",
    "1.2.3",
    "01.2.3.4",
    "256.1.1.1",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "1.2.3.4::",
    ":1::",
    "12345::",
    "fe80::1%eth0",
  ])("%s is not an address", (text) => {
    expect(classifyAddress(text)).toBeUndefined();
  });
});
