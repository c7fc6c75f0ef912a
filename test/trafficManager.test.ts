/**
 * Pure Traffic Manager shaping: the profile's probe settings from validated config, the failover
 * estimate, and a stamp's endpoint settings per routing method.
 */
import {
  defaultProbePort,
  endpointRouting,
  EndpointSettings,
  failoverSeconds,
  monitorConfig,
  MonitorSettings,
  parseStatusRange,
} from "../lib/trafficManager";

/** The defaults config/ fills in for `trafficManager.monitor`. */
const defaults: MonitorSettings = {
  protocol: "HTTP",
  port: 80,
  path: "/healthz",
  intervalSeconds: 30,
  timeoutSeconds: 10,
  toleratedFailures: 3,
  expectedStatusRanges: ["200-299"],
};

describe("monitorConfig", () => {
  test.each<[string, Partial<MonitorSettings>, ReturnType<typeof monitorConfig>]>([
    [
      "defaults: HTTP on 80, /healthz every 30 s, 10 s timeout, 3 tolerated failures, 2xx",
      {},
      {
        protocol: "HTTP",
        port: 80,
        path: "/healthz",
        intervalInSeconds: 30,
        timeoutInSeconds: 10,
        toleratedNumberOfFailures: 3,
        expectedStatusCodeRanges: [{ min: 200, max: 299 }],
      },
    ],
    [
      "fast probing over HTTPS",
      {
        protocol: "HTTPS",
        port: 443,
        intervalSeconds: 10,
        timeoutSeconds: 5,
        toleratedFailures: 1,
      },
      {
        protocol: "HTTPS",
        port: 443,
        path: "/healthz",
        intervalInSeconds: 10,
        timeoutInSeconds: 5,
        toleratedNumberOfFailures: 1,
        expectedStatusCodeRanges: [{ min: 200, max: 299 }],
      },
    ],
    [
      "a host header becomes the `host` custom header",
      { hostHeader: "ratings.contoso.com" },
      {
        protocol: "HTTP",
        port: 80,
        path: "/healthz",
        intervalInSeconds: 30,
        timeoutInSeconds: 10,
        toleratedNumberOfFailures: 3,
        expectedStatusCodeRanges: [{ min: 200, max: 299 }],
        customHeaders: [{ name: "host", value: "ratings.contoso.com" }],
      },
    ],
    [
      "several status ranges and another path, zero tolerated failures",
      { path: "/api/healthz", expectedStatusRanges: ["200-204", "301-302"], toleratedFailures: 0 },
      {
        protocol: "HTTP",
        port: 80,
        path: "/api/healthz",
        intervalInSeconds: 30,
        timeoutInSeconds: 10,
        toleratedNumberOfFailures: 0,
        expectedStatusCodeRanges: [
          { min: 200, max: 204 },
          { min: 301, max: 302 },
        ],
      },
    ],
  ])("%s", (_name, patch, expected) => {
    expect(monitorConfig({ ...defaults, ...patch })).toEqual(expected);
  });

  test.each([
    ["CR LF and a second header line", "ratings.contoso.com\r\nX-Injected: 1"],
    ["a space", "ratings contoso.com"],
    ["a port", "ratings.contoso.com:443"],
  ])("refuses a host header with %s (it becomes a header line of every probe)", (_n, host) => {
    expect(() => monitorConfig({ ...defaults, hostHeader: host })).toThrow(
      `trafficManager.monitor.hostHeader: ${JSON.stringify(host)} must be a DNS name such as ratings.contoso.com`,
    );
  });

  test("no custom headers at all without a host header", () => {
    expect(monitorConfig(defaults)).not.toHaveProperty("customHeaders");
  });
});

describe("defaultProbePort: the protocol's well-known port", () => {
  test.each<["HTTP" | "HTTPS", number]>([
    ["HTTP", 80],
    ["HTTPS", 443],
  ])("%s -> %d", (protocol, port) => {
    expect(defaultProbePort(protocol)).toBe(port);
  });
});

describe("parseStatusRange", () => {
  test.each([
    ["200-299", { min: 200, max: 299 }],
    ["301-301", { min: 301, max: 301 }],
  ])("%s", (range, expected) => {
    expect(parseStatusRange(range)).toEqual(expected);
  });

  test("refuses what is not a range", () => {
    expect(() => parseStatusRange("2xx")).toThrow(
      '"2xx" is not a status code range such as 200-299',
    );
  });
});

describe("failoverSeconds: probes until Degraded, the last one's timeout, then the DNS TTL", () => {
  test.each<[string, Partial<MonitorSettings>, number, number]>([
    ["defaults: 4 probes x 30 s + 10 s + TTL 30 s", {}, 30, 160],
    ["fast probing: 4 x 10 s + 9 s + TTL 10 s", { intervalSeconds: 10, timeoutSeconds: 9 }, 10, 59],
    ["no tolerated failure: 1 x 30 s + 10 s + TTL 0", { toleratedFailures: 0 }, 0, 40],
  ])("%s", (_name, patch, ttl, seconds) => {
    expect(failoverSeconds({ ...defaults, ...patch }, ttl)).toBe(seconds);
  });
});

describe("endpointRouting", () => {
  const settings: EndpointSettings = {
    globalStack: "global",
    endpointLocation: "westus2",
    weight: 7,
    priority: 2,
  };

  test.each<[string, ReturnType<typeof endpointRouting>]>([
    ["Performance", { endpointLocation: "westus2" }],
    ["Weighted", { endpointLocation: "westus2", weight: 7 }],
    ["Priority", { endpointLocation: "westus2", priority: 2 }],
  ])("%s", (method, expected) => {
    expect(endpointRouting(method, settings)).toEqual(expected);
  });

  test("Priority routing without the stamp's priority names the key to set", () => {
    expect(() => endpointRouting("Priority", { ...settings, priority: undefined })).toThrow(
      "trafficManager.priority: is missing; the global Traffic Manager profile routes by Priority, so every stamp must set its own priority (1-1000, lower wins, distinct across stamps; see npm run check:stacks)",
    );
  });

  test.each(["Performance", "Weighted"])("%s routing needs no priority", (method) => {
    expect(endpointRouting(method, { ...settings, priority: undefined })).not.toHaveProperty(
      "priority",
    );
  });

  test("a routing method stamps cannot register for names the global key to fix", () => {
    expect(() => endpointRouting("Geographic", settings)).toThrow(
      'The global Traffic Manager profile routes by "Geographic", which a stamp cannot register for; set trafficManager.routingMethod in the global stack to Performance, Priority or Weighted',
    );
  });
});
